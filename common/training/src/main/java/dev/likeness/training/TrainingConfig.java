package dev.likeness.training;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Every hyper-parameter of a fine-tuning run. Build with {@link #builder(String)}, which starts from the method's
 * defaults ({@link #defaultLearningRate}). Immutable; {@link #toBuilder()} derives a changed copy.
 *
 * <p>Prompts may contain {@code {id}}: DreamBooth replaces it with the rare-token identifier, Textual Inversion with
 * its placeholder token(s).
 */
public final class TrainingConfig {

    /**
     * Storage of optimizer moment buffers (AdamW m and v): 8, 4 or ~2 bytes per trainable value. See
     * {@link dev.likeness.training.optim.AdamW}.
     */
    public enum StatePrecision { FLOAT32, FLOAT16, INT8_BLOCKWISE }

    private final Builder b;

    private TrainingConfig(Builder b) {
        this.b = b.copy();
    }

    public static Builder builder(String method) {
        return new Builder(method);
    }

    public Builder toBuilder() {
        return b.copy();
    }

    /** Default base learning rate per method (DreamBooth paper 5e-6; TI 5e-4; SVDiff spectral shifts 1e-3; LoRA 1e-4). */
    public static float defaultLearningRate(String method) {
        return switch (method) {
            case "dreambooth" -> 5e-6f;
            case "textual-inversion" -> 5e-4f;
            case "svdiff" -> 1e-3f;
            case "lora" -> 1e-4f;
            default -> 1e-5f;
        };
    }

    public String method() { return b.method; }
    public Path modelDir() { return b.modelDir; }
    public Path instanceImages() { return b.instanceImages; }
    /** Instance prompt, e.g. {@code "a photo of {id} dog"}. */
    public String instancePrompt() { return b.instancePrompt; }
    /**
     * One prompt per instance image, in the images' order (may contain {@code {id}}); empty = every image trains on
     * the instance prompt(s). Captions that name what else is in each photo ("a photo of {id} dog on a beach") let
     * the identifier take the subject and the caption's words the rest, so the backgrounds are not learnt as part
     * of the subject.
     */
    public List<String> instanceCaptions() { return b.instanceCaptions; }
    /** Class noun, e.g. {@code dog} (TI initializer fallback; class prompt default {@code "a photo of <noun>"}). */
    public String classNoun() { return b.classNoun; }
    /** Class prompt for prior preservation; {@code null} = no prior preservation. */
    public String classPrompt() { return b.classPrompt; }
    public Path classImages() { return b.classImages; }
    public int numClassImages() { return b.numClassImages; }
    public float priorLossWeight() { return b.priorLossWeight; }
    /** True when a class prompt and class images (given or to generate) are set. */
    public boolean withPriorPreservation() {
        return b.classPrompt != null && (b.classImages != null || b.numClassImages > 0);
    }
    public int resolution() { return b.resolution; }
    public boolean centerCrop() { return b.centerCrop; }
    public int maxSteps() { return b.maxSteps; }
    public int batchSize() { return b.batchSize; }
    public int gradientAccumulation() { return b.gradientAccumulation; }
    public long seed() { return b.seed; }
    public float learningRate() { return b.learningRate; }
    /** Learning rate of text-encoder parameters (group {@code text_encoder}); defaults to {@link #learningRate}. */
    public float textEncoderLearningRate() { return textEncoderLearningRate(b.learningRate); }
    /**
     * The text-encoder learning rate when one was set, else {@code fallback}: for methods whose text-encoder
     * parameters default to another rate than {@link #learningRate} (SVDiff: the spectral-shift rate).
     */
    public float textEncoderLearningRate(float fallback) {
        return b.textEncoderLearningRate == null ? fallback : b.textEncoderLearningRate;
    }
    public LearningRateScheduleKind lrSchedule() { return b.lrSchedule; }
    public int lrWarmupSteps() { return b.lrWarmupSteps; }
    /** Cosine cycles (diffusers default 0.5 = one half-cosine decay to zero). */
    public float lrCosineCycles() { return b.lrCosineCycles; }
    public float adamBeta1() { return b.adamBeta1; }
    public float adamBeta2() { return b.adamBeta2; }
    public float adamEpsilon() { return b.adamEpsilon; }
    public float weightDecay() { return b.weightDecay; }
    /** Global gradient-norm limit; {@code <= 0} disables clipping. */
    public float maxGradNorm() { return b.maxGradNorm; }
    public StatePrecision optimizerStatePrecision() { return b.optimizerStatePrecision; }
    /** Overrides the scheduler config's prediction type ({@code null} = use the model's). */
    public NoiseSchedule.PredictionType predictionType() { return b.predictionType; }
    /** Offset noise strength (0 = off): noise += s · N(0,1) per (sample, channel). */
    public float offsetNoise() { return b.offsetNoise; }
    /** Min-SNR-γ loss weighting ({@code null} = off; 5 is the paper's choice). */
    public Float snrGamma() { return b.snrGamma; }
    public boolean trainTextEncoder() { return b.trainTextEncoder; }
    public int checkpointEvery() { return b.checkpointEvery; }
    public Path checkpointDir() { return b.checkpointDir; }
    public int validationEvery() { return b.validationEvery; }
    public String validationPrompt() { return b.validationPrompt; }
    /** Write full-model artifacts (DreamBooth UNet) in float16 instead of float32. */
    public boolean saveFp16() { return b.saveFp16; }
    // method-specific, typed for the common ones
    public int loraRank() { return b.loraRank; }
    public float loraAlpha() { return b.loraAlpha == null ? b.loraRank : b.loraAlpha; }
    public int numVectors() { return b.numVectors; }
    public String initializerToken() { return b.initializerToken; }
    public String placeholderToken() { return b.placeholderToken; }
    /** Textual Inversion template set: {@code object} or {@code style}. */
    public String learnableProperty() { return b.learnableProperty; }
    /**
     * SVDiff's rate for the spectral shifts: the one set, else {@link #learningRate} (for SVDiff the trained values are
     * the shifts, so its main rate is theirs; the default is 1e-3 either way).
     */
    public float spectralShiftLearningRate() {
        return b.spectralShiftLearningRate != null ? b.spectralShiftLearningRate : b.learningRate;
    }
    public float normDeltaLearningRate() { return b.normDeltaLearningRate; }
    /** SVDiff Cut-Mix-Unmix: weight λ_unmix of the unmix term on cross-attention maps of mixed samples (0 = off). */
    public float unmixWeight() { return b.unmixWeight; }
    /** Free-form method options ({@code key → value}) for anything not typed above. */
    public Map<String, String> methodOptions() { return Collections.unmodifiableMap(b.methodOptions); }

    public String methodOption(String key, String fallback) {
        return b.methodOptions.getOrDefault(key, fallback);
    }

    /** Checks ranges and required fields; throws naming the offending field. */
    public TrainingConfig validate() {
        require(b.instancePrompt != null && !b.instancePrompt.isBlank(), "instancePrompt must be set");
        for (int i = 0; i < b.instanceCaptions.size(); i++) {
            String c = b.instanceCaptions.get(i);
            require(c != null && !c.isBlank(), "instanceCaptions[" + i + "] is blank");
        }
        require(b.resolution >= 8 && b.resolution % 8 == 0, "resolution must be a positive multiple of 8, got "
                + b.resolution);
        require(b.maxSteps > 0, "maxSteps must be > 0, got " + b.maxSteps);
        require(b.batchSize > 0, "batchSize must be > 0, got " + b.batchSize);
        require(b.gradientAccumulation > 0, "gradientAccumulation must be > 0, got " + b.gradientAccumulation);
        require(b.learningRate > 0 && Float.isFinite(b.learningRate), "learningRate must be > 0, got "
                + b.learningRate);
        require(b.textEncoderLearningRate == null
                        || (b.textEncoderLearningRate > 0 && Float.isFinite(b.textEncoderLearningRate)),
                "textEncoderLearningRate must be > 0, got " + b.textEncoderLearningRate);
        require(b.priorLossWeight >= 0, "priorLossWeight must be >= 0, got " + b.priorLossWeight);
        require(b.adamBeta1 >= 0 && b.adamBeta1 < 1, "adamBeta1 must be in [0, 1), got " + b.adamBeta1);
        require(b.adamBeta2 >= 0 && b.adamBeta2 < 1, "adamBeta2 must be in [0, 1), got " + b.adamBeta2);
        require(b.adamEpsilon > 0, "adamEpsilon must be > 0, got " + b.adamEpsilon);
        require(b.weightDecay >= 0, "weightDecay must be >= 0, got " + b.weightDecay);
        require(b.lrWarmupSteps >= 0, "lrWarmupSteps must be >= 0, got " + b.lrWarmupSteps);
        require(b.offsetNoise >= 0, "offsetNoise must be >= 0, got " + b.offsetNoise);
        require(b.unmixWeight >= 0 && Float.isFinite(b.unmixWeight), "unmixWeight must be >= 0, got "
                + b.unmixWeight);
        require(b.snrGamma == null || b.snrGamma > 0, "snrGamma must be > 0, got " + b.snrGamma);
        require(b.checkpointEvery >= 0, "checkpointEvery must be >= 0, got " + b.checkpointEvery);
        require(b.checkpointEvery == 0 || b.checkpointDir != null, "checkpointDir must be set when checkpointEvery > 0");
        return this;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("invalid training config: " + message);
        }
    }

    @Override
    public String toString() {
        return "TrainingConfig{" + b + "}";
    }

    /** Mutable builder; every setter returns {@code this}. */
    public static final class Builder implements Cloneable {
        private String method;
        private Path modelDir;
        private Path instanceImages;
        private String instancePrompt;
        private List<String> instanceCaptions = List.of();
        private String classNoun;
        private String classPrompt;
        private Path classImages;
        private int numClassImages;
        private float priorLossWeight = 1.0f;
        private int resolution = 512;
        private boolean centerCrop = true;
        private int maxSteps = 400;
        private int batchSize = 1;
        private int gradientAccumulation = 1;
        private long seed = 0;
        private float learningRate;
        private Float textEncoderLearningRate;
        private LearningRateScheduleKind lrSchedule = LearningRateScheduleKind.CONSTANT;
        private int lrWarmupSteps = 0;
        private float lrCosineCycles = 0.5f;
        private float adamBeta1 = 0.9f;
        private float adamBeta2 = 0.999f;
        private float adamEpsilon = 1e-8f;
        private float weightDecay = 1e-2f;
        private float maxGradNorm = 1.0f;
        private StatePrecision optimizerStatePrecision = StatePrecision.FLOAT32;
        private NoiseSchedule.PredictionType predictionType;
        private float offsetNoise = 0f;
        private Float snrGamma;
        private boolean trainTextEncoder;
        private int checkpointEvery;
        private Path checkpointDir;
        private int validationEvery;
        private String validationPrompt;
        private boolean saveFp16;
        private int loraRank = 4;
        private Float loraAlpha;
        private int numVectors = 1;
        private String initializerToken;
        private String placeholderToken = "<likeness>";
        private String learnableProperty = "object";
        private Float spectralShiftLearningRate;
        private float normDeltaLearningRate = 1e-6f;
        private float unmixWeight = 1e-3f;
        private Map<String, String> methodOptions = new LinkedHashMap<>();

        private Builder(String method) {
            this.method = Objects.requireNonNull(method, "method");
            this.learningRate = defaultLearningRate(method);
        }

        private Builder copy() {
            try {
                Builder c = (Builder) super.clone();
                c.methodOptions = new LinkedHashMap<>(methodOptions);
                return c;
            } catch (CloneNotSupportedException e) {
                throw new AssertionError(e);
            }
        }

        public TrainingConfig build() {
            return new TrainingConfig(this).validate();
        }

        public Builder method(String v) { method = Objects.requireNonNull(v); return this; }
        public Builder modelDir(Path v) { modelDir = v; return this; }
        public Builder instanceImages(Path v) { instanceImages = v; return this; }
        public Builder instancePrompt(String v) { instancePrompt = v; return this; }
        /** Per-image prompts ({@code null} or empty: none); see {@link TrainingConfig#instanceCaptions()}. */
        public Builder instanceCaptions(List<String> v) {
            instanceCaptions = v == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(v));
            return this;
        }
        public Builder classNoun(String v) { classNoun = v; return this; }
        public Builder classPrompt(String v) { classPrompt = v; return this; }
        public Builder classImages(Path v) { classImages = v; return this; }
        public Builder numClassImages(int v) { numClassImages = v; return this; }
        public Builder priorLossWeight(float v) { priorLossWeight = v; return this; }
        public Builder resolution(int v) { resolution = v; return this; }
        public Builder centerCrop(boolean v) { centerCrop = v; return this; }
        public Builder maxSteps(int v) { maxSteps = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder gradientAccumulation(int v) { gradientAccumulation = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder learningRate(float v) { learningRate = v; return this; }
        public Builder textEncoderLearningRate(Float v) { textEncoderLearningRate = v; return this; }
        public Builder lrSchedule(LearningRateScheduleKind v) { lrSchedule = Objects.requireNonNull(v); return this; }
        public Builder lrWarmupSteps(int v) { lrWarmupSteps = v; return this; }
        public Builder lrCosineCycles(float v) { lrCosineCycles = v; return this; }
        public Builder adamBeta1(float v) { adamBeta1 = v; return this; }
        public Builder adamBeta2(float v) { adamBeta2 = v; return this; }
        public Builder adamEpsilon(float v) { adamEpsilon = v; return this; }
        public Builder weightDecay(float v) { weightDecay = v; return this; }
        public Builder maxGradNorm(float v) { maxGradNorm = v; return this; }
        public Builder optimizerStatePrecision(StatePrecision v) { optimizerStatePrecision = Objects.requireNonNull(v); return this; }
        public Builder predictionType(NoiseSchedule.PredictionType v) { predictionType = v; return this; }
        public Builder offsetNoise(float v) { offsetNoise = v; return this; }
        public Builder snrGamma(Float v) { snrGamma = v; return this; }
        public Builder trainTextEncoder(boolean v) { trainTextEncoder = v; return this; }
        public Builder checkpointEvery(int v) { checkpointEvery = v; return this; }
        public Builder checkpointDir(Path v) { checkpointDir = v; return this; }
        public Builder validationEvery(int v) { validationEvery = v; return this; }
        public Builder validationPrompt(String v) { validationPrompt = v; return this; }
        public Builder saveFp16(boolean v) { saveFp16 = v; return this; }
        public Builder loraRank(int v) { loraRank = v; return this; }
        public Builder loraAlpha(Float v) { loraAlpha = v; return this; }
        public Builder numVectors(int v) { numVectors = v; return this; }
        public Builder initializerToken(String v) { initializerToken = v; return this; }
        public Builder placeholderToken(String v) { placeholderToken = v; return this; }
        public Builder learnableProperty(String v) { learnableProperty = v; return this; }
        public Builder spectralShiftLearningRate(float v) { spectralShiftLearningRate = v; return this; }
        public Builder normDeltaLearningRate(float v) { normDeltaLearningRate = v; return this; }
        public Builder unmixWeight(float v) { unmixWeight = v; return this; }
        public Builder methodOption(String key, String value) { methodOptions.put(key, value); return this; }

        @Override
        public String toString() {
            return "method=" + method + ", modelDir=" + modelDir + ", instancePrompt=" + instancePrompt
                    + ", classPrompt=" + classPrompt + ", resolution=" + resolution + ", steps=" + maxSteps
                    + ", batch=" + batchSize + "x" + gradientAccumulation + ", lr=" + learningRate + " "
                    + lrSchedule.id() + ", seed=" + seed;
        }
    }
}
