package dev.likeness.training.method.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.nn.Module;
import dev.likeness.engine.nn.Parameter;
import dev.likeness.training.ArtifactMetadata;
import dev.likeness.training.FineTuningMethod;
import dev.likeness.training.PromptTokenizer;
import dev.likeness.training.TrainableTensor;
import dev.likeness.training.TrainingConfig;
import dev.likeness.training.TrainingModel;
import dev.likeness.training.artifact.WeightOverride;
import dev.likeness.training.method.dreambooth.IdentifierSelector;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * LoRA (Hu et al. 2021) on the attention projections: every UNet {@code to_q, to_k, to_v, to_out.0} and, with
 * {@code trainTextEncoder}, every text-encoder {@code q_proj, k_proj, v_proj, out_proj} weight {@code W [out, in]}
 * becomes {@code W + alpha/rank · up · down} with trainable {@code down [rank, in]} and {@code up [out, rank]}.
 * {@code up} starts at zero, so training starts from the base model; {@code down} starts as diffusers'
 * {@code LoRALinearLayer} does, normal with std {@code 1/rank} (method option {@code lora.init=kaiming} gives peft's
 * kaiming-uniform instead), drawn from a {@link Random} seeded with the run's seed.
 *
 * <p>Groups: UNet adapters use the run's learning rate, text-encoder adapters the {@code text_encoder} group
 * ({@link TrainingConfig#textEncoderLearningRate()}). Artifact: {@link LoraWeights#FILE}.
 */
public final class LoraMethod implements FineTuningMethod {

    public static final String ID = "lora";
    public static final String GROUP_TEXT_ENCODER = "text_encoder";
    private static final Set<String> UNET_TARGETS = Set.of("to_q", "to_k", "to_v", "to_out.0");
    private static final Set<String> TEXT_ENCODER_TARGETS = Set.of("q_proj", "k_proj", "v_proj", "out_proj");

    private final List<Adapted> adapted = new ArrayList<>();
    private final List<TrainableTensor> trainables = new ArrayList<>();
    private final Map<Parameter, Boolean> trainableBefore = new LinkedHashMap<>();
    private NDManager own;
    private String identifier;
    private int rank;
    private float alpha;
    private boolean textEncoder;

    private record Adapted(String component, LoraAdapter adapter, WeightOverride override) {
    }

    @Override
    public String id() {
        return ID;
    }

    /**
     * Picks the subject identifier "[V]" like DreamBooth: method option {@code identifier}, else
     * {@link IdentifierSelector rare tokens} chosen from the seed ({@code identifier_tokens} of them, default 1).
     */
    @Override
    public void prepareTokenizer(PromptTokenizer tokenizer, TrainingConfig cfg) {
        identifier = IdentifierSelector.forRun(tokenizer, cfg);
    }

    /** The instance prompt with {@code {id}} replaced by the identifier. */
    @Override
    public List<String> instancePrompts(TrainingConfig cfg) {
        return List.of(resolvePrompt(cfg.instancePrompt()));
    }

    @Override
    public String resolvePrompt(String prompt) {
        return IdentifierSelector.substitute(prompt, identifier);
    }

    /** The subject identifier (after {@link #prepareTokenizer}), or {@code null}. */
    public String identifier() {
        return identifier;
    }

    /** Whether {@code key} names a weight LoRA adapts in the UNet ({@code unet = true}) or the text encoder. */
    public static boolean isTarget(String key, boolean unet) {
        if (!key.endsWith(".weight")) {
            return false;
        }
        String module = key.substring(0, key.length() - ".weight".length());
        for (String t : unet ? UNET_TARGETS : TEXT_ENCODER_TARGETS) {
            if (module.equals(t) || module.endsWith("." + t)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void attach(TrainingModel model, TrainingConfig cfg, NDManager manager) {
        if (own != null) {
            throw new IllegalStateException("lora is already attached");
        }
        rank = cfg.loraRank();
        alpha = cfg.loraAlpha();
        if (rank < 1) {
            throw new IllegalArgumentException("lora rank must be >= 1, got " + rank);
        }
        String init = cfg.methodOption("lora.init", "normal");
        if (!init.equals("normal") && !init.equals("kaiming")) {
            throw new IllegalArgumentException("lora.init must be 'normal' or 'kaiming', got '" + init + "'");
        }
        textEncoder = cfg.trainTextEncoder();
        own = manager.newSubManager();
        Random random = new Random(cfg.seed());
        try {
            wrap("unet", model.unet(), true, init, random);
            if (textEncoder) {
                wrap("text_encoder", model.textEncoder(), false, init, random);
            } else {
                freeze(model.textEncoder());
            }
        } catch (RuntimeException e) {
            detach();
            throw e;
        }
        if (adapted.isEmpty()) {
            detach();
            throw new IllegalArgumentException("the model has no attention projections (to_q/to_k/to_v/to_out.0) "
                    + "for LoRA");
        }
    }

    private void freeze(Module module) {
        module.namedParameters().values().forEach(p -> {
            trainableBefore.putIfAbsent(p, p.isTrainable());
            p.setTrainable(false);
        });
    }

    private void wrap(String component, Module module, boolean unet, String init, Random random) {
        freeze(module);
        float scale = alpha / rank;
        for (Map.Entry<String, Parameter> e : module.namedParameters().entrySet()) {
            Parameter p = e.getValue();
            if (!isTarget(e.getKey(), unet)) {
                continue;
            }
            if (p.shape().dimension() != 2) {
                throw new IllegalStateException(component + " weight '" + e.getKey() + "' is not a linear weight: "
                        + p.shape());
            }
            long out = p.shape().get(0);
            long in = p.shape().get(1);
            float[] downInit = new float[(int) (rank * in)];
            double bound = 1.0 / Math.sqrt(in); // kaiming_uniform(a=√5) on fan_in = in
            for (int i = 0; i < downInit.length; i++) {
                downInit[i] = init.equals("normal") ? (float) (random.nextGaussian() / rank)
                        : (float) ((random.nextDouble() * 2 - 1) * bound);
            }
            NDArray down = own.create(downInit, new Shape(rank, in));
            NDArray up = own.zeros(new Shape(out, rank));
            down.setRequiresGradient(true);
            up.setRequiresGradient(true);
            LoraAdapter adapter = new LoraAdapter(e.getKey(), down, up);
            WeightOverride override = WeightOverride.recomposing(p, () -> adapter.apply(p.array(), scale));
            adapted.add(new Adapted(component, adapter, override));
            String modulePath = LoraWeights.moduleOf(e.getKey());
            String group = unet ? TrainableTensor.DEFAULT_GROUP : GROUP_TEXT_ENCODER;
            String prefix = component + "." + modulePath + (unet ? ".lora." : ".lora_linear_layer.");
            trainables.add(new TrainableTensor(prefix + "down.weight", down, group));
            trainables.add(new TrainableTensor(prefix + "up.weight", up, group));
        }
    }

    @Override
    public List<TrainableTensor> trainables() {
        return List.copyOf(trainables);
    }

    @Override
    public Map<String, Float> groupLearningRates(TrainingConfig cfg) {
        return Map.of(GROUP_TEXT_ENCODER, cfg.textEncoderLearningRate());
    }

    @Override
    public boolean trainsTextEncoder() {
        return textEncoder;
    }

    @Override
    public Map<String, NDArray> state() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        trainables.forEach(t -> out.put(t.name(), t.array()));
        return out;
    }

    @Override
    public void loadState(Map<String, NDArray> state) {
        for (TrainableTensor t : trainables) {
            NDArray v = state.get(t.name());
            if (v == null) {
                throw new IllegalArgumentException("lora checkpoint has no '" + t.name() + "'");
            }
            if (!v.getShape().equals(t.array().getShape())) {
                throw new IllegalArgumentException("lora checkpoint '" + t.name() + "' has shape " + v.getShape()
                        + ", expected " + t.array().getShape());
            }
            t.array().set(FloatBuffer.wrap(v.toFloatArray()));
        }
    }

    /** The trained adapters as an artifact (values copied). */
    public LoraWeights weights(ArtifactMetadata provenance) {
        Map<String, LoraWeights.Pair> unet = new LinkedHashMap<>();
        Map<String, LoraWeights.Pair> te = new LinkedHashMap<>();
        for (Adapted a : adapted) {
            LoraAdapter ad = a.adapter();
            LoraWeights.Pair pair = new LoraWeights.Pair(ad.down().toFloatArray(), ad.up().toFloatArray(), rank,
                    (int) ad.down().getShape().get(1), (int) ad.up().getShape().get(0));
            (a.component().equals("unet") ? unet : te).put(ad.weightKey(), pair);
        }
        Map<String, String> meta = new LinkedHashMap<>(provenance == null ? Map.of() : provenance.toMap());
        if (identifier != null) {
            meta.put("likeness.identifier", identifier);
        }
        return new LoraWeights(unet, te, alpha, meta);
    }

    @Override
    public void writeArtifact(Path dir, ArtifactMetadata provenance) throws IOException {
        weights(provenance).save(dir);
    }

    @Override
    public void detach() {
        adapted.forEach(a -> a.override().close());
        adapted.clear();
        trainables.clear();
        trainableBefore.forEach(Parameter::setTrainable);
        trainableBefore.clear();
        if (own != null) {
            own.close();
            own = null;
        }
    }
}
