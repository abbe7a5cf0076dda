package dev.likeness.training.method.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.io.SafeTensorsFile;
import dev.likeness.engine.io.SafeTensorsWriter;
import dev.likeness.engine.nn.Module;
import dev.likeness.engine.nn.Parameter;
import dev.likeness.training.artifact.WeightOverride;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A LoRA artifact in diffusers' DreamBooth-LoRA layout, {@value #FILE}:
 * <ul>
 *   <li>UNet: {@code unet.<module path>.lora.down.weight [r, in]} and {@code .lora.up.weight [out, r]}, e.g.
 *       {@code unet.mid_block.attentions.0.transformer_blocks.0.attn1.to_q.lora.down.weight};</li>
 *   <li>text encoder: {@code text_encoder.<module path>.lora_linear_layer.down.weight} / {@code .up.weight}, e.g.
 *       {@code text_encoder.text_model.encoder.layers.0.self_attn.q_proj.lora_linear_layer.down.weight}.</li>
 * </ul>
 * {@code __metadata__} carries {@code lora.rank} and {@code lora.alpha}; the effective update is
 * {@code userScale · alpha / rank · up · down} (alpha defaults to the rank, i.e. scale 1, as diffusers does when the
 * file has no alphas). Values are held on the heap; {@link #applyTo} and {@link #merge} create arrays as needed.
 */
public final class LoraWeights {

    public static final String FILE = "pytorch_lora_weights.safetensors";
    private static final String UNET = "unet.";
    private static final String TEXT_ENCODER = "text_encoder.";
    private static final String UNET_DOWN = ".lora.down.weight";
    private static final String UNET_UP = ".lora.up.weight";
    private static final String TE_DOWN = ".lora_linear_layer.down.weight";
    private static final String TE_UP = ".lora_linear_layer.up.weight";

    /** One adapter's values: {@code down [rank, in]}, {@code up [out, rank]}, row-major. */
    public record Pair(float[] down, float[] up, int rank, int in, int out) {
        public Pair {
            if (down.length != (long) rank * in || up.length != (long) out * rank) {
                throw new IllegalArgumentException("LoRA pair sizes do not match rank " + rank + ", in " + in
                        + ", out " + out);
            }
        }
    }

    private final Map<String, Pair> unet;
    private final Map<String, Pair> textEncoder;
    private final float alpha;
    private final Map<String, String> metadata;

    /**
     * @param unet        UNet weight key (e.g. {@code mid_block.attn2.to_q.weight}) → adapter values
     * @param textEncoder text-encoder weight key → adapter values
     */
    public LoraWeights(Map<String, Pair> unet, Map<String, Pair> textEncoder, float alpha,
                       Map<String, String> metadata) {
        this.unet = Collections.unmodifiableMap(new TreeMap<>(unet));
        this.textEncoder = Collections.unmodifiableMap(new TreeMap<>(textEncoder));
        this.alpha = alpha;
        this.metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(metadata));
        if (this.unet.isEmpty() && this.textEncoder.isEmpty()) {
            throw new IllegalArgumentException("a LoRA artifact needs at least one adapter");
        }
    }

    public Map<String, Pair> unet() {
        return unet;
    }

    public Map<String, Pair> textEncoder() {
        return textEncoder;
    }

    public float alpha() {
        return alpha;
    }

    public int rank() {
        return (unet.isEmpty() ? textEncoder : unet).values().iterator().next().rank();
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    /** {@code alpha / rank}: the factor training used. */
    public float networkScale() {
        return alpha / rank();
    }

    static String moduleOf(String weightKey) {
        if (!weightKey.endsWith(".weight")) {
            throw new IllegalArgumentException("LoRA target '" + weightKey + "' is not a weight key");
        }
        return weightKey.substring(0, weightKey.length() - ".weight".length());
    }

    /** Reads {@value #FILE} from a folder, or the given file. Unknown key layouts fail naming the key. */
    public static LoraWeights load(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve(FILE) : path;
        if (!Files.isRegularFile(file)) {
            throw new IOException("no LoRA artifact at " + path + " (expected " + FILE + ")");
        }
        Map<String, float[]> downs = new TreeMap<>();
        Map<String, float[]> ups = new TreeMap<>();
        Map<String, long[]> downShapes = new TreeMap<>();
        Map<String, long[]> upShapes = new TreeMap<>();
        Map<String, String> meta;
        try (SafeTensorsFile f = SafeTensorsFile.open(file); NDManager m = NDManager.newBaseManager()) {
            meta = new LinkedHashMap<>(f.metadata());
            for (String name : f.names()) {
                String weight;
                boolean down;
                if (name.startsWith(UNET) && name.endsWith(UNET_DOWN)) {
                    weight = name.substring(0, name.length() - UNET_DOWN.length()) + ".weight";
                    down = true;
                } else if (name.startsWith(UNET) && name.endsWith(UNET_UP)) {
                    weight = name.substring(0, name.length() - UNET_UP.length()) + ".weight";
                    down = false;
                } else if (name.startsWith(TEXT_ENCODER) && name.endsWith(TE_DOWN)) {
                    weight = name.substring(0, name.length() - TE_DOWN.length()) + ".weight";
                    down = true;
                } else if (name.startsWith(TEXT_ENCODER) && name.endsWith(TE_UP)) {
                    weight = name.substring(0, name.length() - TE_UP.length()) + ".weight";
                    down = false;
                } else {
                    throw new IOException(file + ": '" + name + "' is not a diffusers DreamBooth-LoRA key (expected "
                            + "unet.<module>.lora.{down,up}.weight or "
                            + "text_encoder.<module>.lora_linear_layer.{down,up}.weight)");
                }
                if (f.info(name).shape().length != 2) {
                    throw new IOException(file + ": '" + name + "' must be 2-D, has shape " + f.info(name).djlShape());
                }
                float[] values = f.loadFloat32(name, m).toFloatArray();
                (down ? downs : ups).put(weight, values);
                (down ? downShapes : upShapes).put(weight, f.info(name).shape());
            }
        }
        Map<String, Pair> unet = new TreeMap<>();
        Map<String, Pair> te = new TreeMap<>();
        for (String weight : downs.keySet()) {
            if (!ups.containsKey(weight)) {
                throw new IOException(file + ": adapter of '" + weight + "' has a down but no up matrix");
            }
            long[] ds = downShapes.get(weight);
            long[] us = upShapes.get(weight);
            if (us[1] != ds[0]) {
                throw new IOException(file + ": adapter of '" + weight + "' has down " + java.util.Arrays.toString(ds)
                        + " and up " + java.util.Arrays.toString(us) + " of different ranks");
            }
            Pair p = new Pair(downs.get(weight), ups.get(weight), (int) ds[0], (int) ds[1], (int) us[0]);
            if (weight.startsWith(UNET)) {
                unet.put(weight.substring(UNET.length()), p);
            } else {
                te.put(weight.substring(TEXT_ENCODER.length()), p);
            }
        }
        for (String weight : ups.keySet()) {
            if (!downs.containsKey(weight)) {
                throw new IOException(file + ": adapter of '" + weight + "' has an up but no down matrix");
            }
        }
        LoraWeights probe = new LoraWeights(unet, te, 1f, meta);
        float alpha = Float.parseFloat(meta.getOrDefault("lora.alpha", Integer.toString(probe.rank())));
        return new LoraWeights(unet, te, alpha, meta);
    }

    /** Writes {@value #FILE} into {@code dir}; {@code lora.rank}/{@code lora.alpha} are added to the metadata. */
    public void save(Path dir) throws IOException {
        Map<String, String> meta = new TreeMap<>(metadata);
        meta.put("lora.rank", Integer.toString(rank()));
        meta.put("lora.alpha", Float.toString(alpha));
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            unet.forEach((k, p) -> {
                arrays.put(UNET + moduleOf(k) + UNET_DOWN, m.create(p.down(), new Shape(p.rank(), p.in())));
                arrays.put(UNET + moduleOf(k) + UNET_UP, m.create(p.up(), new Shape(p.out(), p.rank())));
            });
            textEncoder.forEach((k, p) -> {
                arrays.put(TEXT_ENCODER + moduleOf(k) + TE_DOWN, m.create(p.down(), new Shape(p.rank(), p.in())));
                arrays.put(TEXT_ENCODER + moduleOf(k) + TE_UP, m.create(p.up(), new Shape(p.out(), p.rank())));
            });
            SafeTensorsWriter.write(dir.resolve(FILE), arrays, meta);
        }
    }

    /**
     * Installs constant overrides {@code W + userScale·alpha/rank·up·down} on the targeted weights (rendering), where
     * {@code W} is the weight currently served (an SVDiff bake below is kept). Close the result to get the previous
     * weights back. {@code userScale} 0 leaves the model untouched.
     */
    public Applied applyTo(Module unetModule, Module textEncoderModule, float userScale, NDManager manager) {
        List<WeightOverride> overrides = new ArrayList<>();
        if (userScale != 0f) {
            try {
                forEachTarget(unetModule, textEncoderModule, (p, pair) -> {
                    try (NDManager scratch = manager.newSubManager()) {
                        NDArray base = p.value(); // stacks on baked SVDiff shifts, if any
                        NDArray update = update(pair, userScale, scratch);
                        NDArray merged = update.add(base);
                        if (merged.getDataType() != base.getDataType()) {
                            NDArray cast = merged.toType(base.getDataType(), false);
                            merged.close();
                            merged = cast;
                        }
                        merged.attach(manager);
                        overrides.add(WeightOverride.constant(p, merged));
                    }
                });
            } catch (RuntimeException e) {
                overrides.forEach(WeightOverride::close);
                throw e;
            }
        }
        return new Applied(overrides);
    }

    /** Adds {@code userScale·alpha/rank·up·down} into the base weights in place (fast rendering, no overrides). */
    public void merge(Module unetModule, Module textEncoderModule, float userScale) {
        addInPlace(unetModule, textEncoderModule, userScale);
    }

    /** Subtracts what {@link #merge} added (exact up to float rounding, ≤ 1e-6 for typical weights). */
    public void unmerge(Module unetModule, Module textEncoderModule, float userScale) {
        addInPlace(unetModule, textEncoderModule, -userScale);
    }

    private void addInPlace(Module unetModule, Module textEncoderModule, float userScale) {
        forEachTarget(unetModule, textEncoderModule, (p, pair) -> {
            try (NDManager scratch = NDManager.newBaseManager()) {
                NDArray update = update(pair, userScale, scratch);
                if (update.getDataType() != p.array().getDataType()) {
                    update = update.toType(p.array().getDataType(), false);
                }
                p.array().addi(update);
            }
        });
    }

    private NDArray update(Pair pair, float userScale, NDManager scratch) {
        NDArray down = scratch.create(pair.down(), new Shape(pair.rank(), pair.in()));
        NDArray up = scratch.create(pair.up(), new Shape(pair.out(), pair.rank()));
        return up.matMul(down).mul(userScale * networkScale());
    }

    private void forEachTarget(Module unetModule, Module textEncoderModule,
                               java.util.function.BiConsumer<Parameter, Pair> action) {
        List<String> missing = new ArrayList<>();
        Map<Parameter, Pair> targets = new LinkedHashMap<>();
        collect(unetModule, unet, "unet", missing, targets);
        if (!textEncoder.isEmpty()) {
            if (textEncoderModule == null) {
                throw new IllegalArgumentException("the LoRA artifact adapts the text encoder but none was given");
            }
            collect(textEncoderModule, textEncoder, "text_encoder", missing, targets);
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("LoRA adapters do not fit the model: " + missing);
        }
        targets.forEach(action);
    }

    private static void collect(Module module, Map<String, Pair> pairs, String what, List<String> problems,
                                Map<Parameter, Pair> out) {
        Map<String, Parameter> params = module.namedParameters();
        pairs.forEach((k, pair) -> {
            Parameter p = params.get(k);
            if (p == null) {
                problems.add(what + " has no weight '" + k + "'");
            } else if (p.shape().dimension() != 2 || p.shape().get(0) != pair.out() || p.shape().get(1) != pair.in()) {
                problems.add(what + " weight '" + k + "' has shape " + p.shape() + " but the adapter is ["
                        + pair.out() + ", " + pair.in() + "]");
            } else {
                out.put(p, pair);
            }
        });
    }

    /** Adapters installed on a model; {@link #close} restores the base weights. */
    public static final class Applied implements AutoCloseable {
        private final List<WeightOverride> overrides;

        private Applied(List<WeightOverride> overrides) {
            this.overrides = overrides;
        }

        public int changedWeights() {
            return overrides.size();
        }

        @Override
        public void close() {
            overrides.forEach(WeightOverride::close);
        }
    }
}
