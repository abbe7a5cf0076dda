package dev.likeness.training.method.svdiff;

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
import dev.likeness.training.linalg.FolderSpectralStore;
import dev.likeness.training.linalg.SpectralCache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SVDiff (Han et al. 2023): fine-tunes only the spectral shifts {@code δ} of the base weights' singular values. Every
 * UNet Conv2d, Linear and Embedding weight becomes {@code U · diag(ReLU(σ + s·δ)) · Vh} and every GroupNorm/LayerNorm
 * weight {@code w · ReLU(‖w‖ + s·δ) / ‖w‖} ({@link SpectralShift}); with {@code trainTextEncoder} the same for the
 * text encoder's Linear, embedding and LayerNorm weights. Biases are not tuned. {@code U, σ, Vh} come from the
 * {@link SpectralCache} (computed once per base model content) and stay frozen; the base arrays are never modified.
 *
 * <p>Groups: {@code spectral} (the UNet's matrix shifts, {@link TrainingConfig#spectralShiftLearningRate()}, by default
 * the config's learning rate, 1e-3 for SVDiff), {@code text_encoder.spectral} (the text encoder's matrix shifts, {@link
 * TrainingConfig#textEncoderLearningRate(float)} when set, else the spectral rate) and {@code norm} (1-element norm
 * shifts, {@link TrainingConfig#normDeltaLearningRate()}, 1e-6). The text encoder has its own group because a rate
 * that suits the UNet's shifts can collapse every prompt's meaning (docs/world.md). Method options:
 * {@code svdiff.scale} (global scale {@code s}, default 1), {@code svdiff.cache_dir} (SVD cache folder).
 *
 * <p>Artifact: {@code spectral_shifts.safetensors} (+ {@code spectral_shifts_te.safetensors}), see
 * {@link SpectralShifts}.
 */
public final class SvdiffMethod implements FineTuningMethod {

    public static final String ID = "svdiff";
    public static final String GROUP_SPECTRAL = "spectral";
    public static final String GROUP_NORM = "norm";
    public static final String GROUP_TEXT_ENCODER_SPECTRAL = "text_encoder.spectral";

    private final SpectralCache injectedCache;
    private final List<Wrapped> wrapped = new ArrayList<>();
    private final List<TrainableTensor> trainables = new ArrayList<>();
    private final Map<Parameter, Boolean> trainableBefore = new LinkedHashMap<>();
    private final Map<String, String> extraMetadata = new LinkedHashMap<>();
    private NDManager own;
    private String identifier;
    private float scale = 1f;
    private boolean textEncoder;

    private record Wrapped(String component, SpectralShift shift, NDArray delta, WeightOverride override) {
    }

    /** Uses the SVD cache folder from the method options (or the default, see {@link #defaultCacheDir}). */
    public SvdiffMethod() {
        this(null);
    }

    /** Uses the given SVD cache (the services pass one backed by the object store). */
    public SvdiffMethod(SpectralCache cache) {
        this.injectedCache = cache;
    }

    /** {@code $LIKENESS_SVD_CACHE}, else {@code ~/.cache/likeness/svd}. */
    public static Path defaultCacheDir() {
        String env = System.getenv("LIKENESS_SVD_CACHE");
        return env != null && !env.isBlank() ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".cache", "likeness", "svd");
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

    /** True for weights SVDiff shifts: every parameter named {@code weight} (biases are left alone). */
    public static boolean isTarget(String key, Shape shape) {
        return (key.equals("weight") || key.endsWith(".weight")) && shape.dimension() >= 1;
    }

    @Override
    public void attach(TrainingModel model, TrainingConfig cfg, NDManager manager) {
        if (own != null) {
            throw new IllegalStateException("svdiff is already attached");
        }
        scale = Float.parseFloat(cfg.methodOption("svdiff.scale", "1"));
        textEncoder = cfg.trainTextEncoder();
        SpectralCache cache = injectedCache != null ? injectedCache
                : new SpectralCache(new FolderSpectralStore(Path.of(cfg.methodOption("svdiff.cache_dir",
                defaultCacheDir().toString()))));
        own = manager.newSubManager();
        try {
            wrap("unet", model.unet(), cache);
            if (textEncoder) {
                wrap("text_encoder", model.textEncoder(), cache);
            } else {
                freeze(model.textEncoder());
            }
        } catch (RuntimeException e) {
            detach();
            throw e;
        }
    }

    private void freeze(Module module) {
        module.namedParameters().values().forEach(p -> {
            trainableBefore.putIfAbsent(p, p.isTrainable());
            p.setTrainable(false);
        });
    }

    private void wrap(String component, Module module, SpectralCache cache) {
        freeze(module);
        Map<String, Parameter> params = module.namedParameters();
        try (NDManager scratch = own.newSubManager()) {
            Map<String, NDArray> matrices = matrixViews(module, component, scratch);
            Map<String, SpectralCache.Factors> factors;
            try {
                factors = cache.factors(SpectralCache.sha256(matrices), matrices, own);
            } catch (IOException ex) {
                throw new UncheckedIOException("SVD cache failed for the " + component, ex);
            }
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                Parameter p = e.getValue();
                if (!isTarget(e.getKey(), p.shape())) {
                    continue;
                }
                SpectralShift shift = p.shape().dimension() == 1 ? SpectralShift.norm(e.getKey(), p.array())
                        : SpectralShift.matrix(e.getKey(), p.shape(), factors.get(e.getKey()), p.array());
                NDArray delta = own.zeros(new Shape(shift.deltaLength()));
                delta.setRequiresGradient(true);
                float s = scale;
                WeightOverride override = WeightOverride.recomposing(p, () -> shift.recompose(delta, s));
                wrapped.add(new Wrapped(component, shift, delta, override));
                trainables.add(new TrainableTensor(component + "." + shift.deltaKey(), delta,
                        shift.kind() == SpectralShift.Kind.NORM ? GROUP_NORM
                                : component.equals("text_encoder") ? GROUP_TEXT_ENCODER_SPECTRAL : GROUP_SPECTRAL));
            }
        }
    }

    /**
     * Every matrix-shaped target weight of {@code module} as a {@code [m, n]} view owned by {@code scratch}. Their
     * {@link SpectralCache#sha256(Map) digest} is the SVD cache key of the module, the same whichever subset of
     * weights a caller needs.
     */
    static Map<String, NDArray> matrixViews(Module module, String component, NDManager scratch) {
        Map<String, NDArray> matrices = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : module.namedParameters().entrySet()) {
            Parameter p = e.getValue();
            if (isTarget(e.getKey(), p.shape()) && p.shape().dimension() >= 2) {
                if (p.array() == null) {
                    throw new IllegalStateException(component + " weight '" + e.getKey() + "' is not loaded");
                }
                long m = p.shape().get(0);
                NDArray view = p.array().reshape(m, p.shape().size() / m);
                view.attach(scratch); // reshape lands in the model's manager; keep it scratch
                matrices.put(e.getKey(), view);
            }
        }
        return matrices;
    }

    @Override
    public List<TrainableTensor> trainables() {
        return List.copyOf(trainables);
    }

    @Override
    public Map<String, Float> groupLearningRates(TrainingConfig cfg) {
        return Map.of(GROUP_SPECTRAL, cfg.spectralShiftLearningRate(), GROUP_NORM, cfg.normDeltaLearningRate(),
                GROUP_TEXT_ENCODER_SPECTRAL, cfg.textEncoderLearningRate(cfg.spectralShiftLearningRate()));
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
                throw new IllegalArgumentException("svdiff checkpoint has no '" + t.name() + "'");
            }
            if (!v.getShape().equals(t.array().getShape())) {
                throw new IllegalArgumentException("svdiff checkpoint '" + t.name() + "' has shape " + v.getShape()
                        + ", expected " + t.array().getShape());
            }
            t.array().set(FloatBuffer.wrap(v.toFloatArray()));
        }
    }

    /** The trained shifts as an artifact (values copied). */
    public SpectralShifts shifts(ArtifactMetadata provenance) {
        Map<String, float[]> unet = new LinkedHashMap<>();
        Map<String, float[]> te = new LinkedHashMap<>();
        for (Wrapped w : wrapped) {
            (w.component().equals("unet") ? unet : te).put(w.shift().deltaKey(), w.delta().toFloatArray());
        }
        Map<String, String> meta = provenance == null ? Map.of()
                : provenance.with(identifierEntry(Map.of("svdiff.scale", Float.toString(scale),
                "svdiff.wrapped_weights", Integer.toString(wrapped.size())))).toMap();
        return new SpectralShifts(unet, te, meta);
    }

    private Map<String, String> identifierEntry(Map<String, String> m) {
        Map<String, String> out = new LinkedHashMap<>(m);
        if (identifier != null) {
            out.put("likeness.identifier", identifier);
        }
        out.putAll(extraMetadata);
        return out;
    }

    /** Adds an entry to the artifact's {@code __metadata__} (e.g. the Cut-Mix-Unmix subjects and settings). */
    public void putMetadata(String key, String value) {
        extraMetadata.put(key, value);
    }

    @Override
    public void writeArtifact(Path dir, ArtifactMetadata provenance) throws IOException {
        shifts(provenance).save(dir);
    }

    @Override
    public void detach() {
        for (Wrapped w : wrapped) {
            w.override().close();
        }
        wrapped.clear();
        trainables.clear();
        trainableBefore.forEach(Parameter::setTrainable);
        trainableBefore.clear();
        if (own != null) {
            own.close();
            own = null;
        }
    }

    /**
     * Mean wall time of recomposing every wrapped weight once (what SVDiff adds to each forward pass), without
     * autograd; divide by a step's time for the overhead ratio. Valid after {@link #attach}.
     */
    public double recompositionSeconds(int repeats) {
        if (repeats < 1) {
            throw new IllegalArgumentException("repeats must be >= 1");
        }
        long start = System.nanoTime();
        for (int r = 0; r < repeats; r++) {
            for (Wrapped w : wrapped) {
                w.shift().recompose(w.delta(), scale).close();
            }
        }
        return (System.nanoTime() - start) / 1e9 / repeats;
    }

    /** Number of wrapped weights (matrices and norms). Valid after {@link #attach}. */
    public int wrappedCount() {
        return wrapped.size();
    }
}
