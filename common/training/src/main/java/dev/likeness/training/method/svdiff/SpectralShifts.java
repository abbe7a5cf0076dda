package dev.likeness.training.method.svdiff;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.io.SafeTensorsFile;
import dev.likeness.engine.io.SafeTensorsWriter;
import dev.likeness.engine.nn.Module;
import dev.likeness.engine.nn.Parameter;
import dev.likeness.training.artifact.WeightOverride;
import dev.likeness.training.linalg.SpectralCache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An SVDiff artifact: spectral shifts {@code δ} keyed {@code <module path>.delta} (float32, 1-D, length
 * {@code min(c_out, c_in·h·w)}, 1 for norms) for the UNet ({@value #UNET_FILE}) and optionally the text encoder
 * ({@value #TEXT_ENCODER_FILE}). Immutable; the arithmetic ({@link #scaled}, {@link #combine}, {@link #interpolate})
 * works on the shifts, so applying a combination gives {@code σ + Σ wᵢ·δᵢ} exactly as a single trained shift would.
 */
public final class SpectralShifts {

    public static final String UNET_FILE = "spectral_shifts.safetensors";
    public static final String TEXT_ENCODER_FILE = "spectral_shifts_te.safetensors";

    private final Map<String, float[]> unet;
    private final Map<String, float[]> textEncoder;
    private final Map<String, String> metadata;

    public SpectralShifts(Map<String, float[]> unet, Map<String, float[]> textEncoder, Map<String, String> metadata) {
        this.unet = Collections.unmodifiableMap(new TreeMap<>(unet));
        this.textEncoder = Collections.unmodifiableMap(new TreeMap<>(textEncoder));
        this.metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(metadata));
        checkKeys(this.unet, "unet");
        checkKeys(this.textEncoder, "text encoder");
    }

    private static void checkKeys(Map<String, float[]> m, String what) {
        m.forEach((k, v) -> {
            if (!k.endsWith(".delta")) {
                throw new IllegalArgumentException(what + " spectral shift key '" + k + "' does not end in .delta");
            }
            if (v.length == 0) {
                throw new IllegalArgumentException(what + " spectral shift '" + k + "' is empty");
            }
        });
    }

    /** UNet shifts, key → values (unmodifiable; do not mutate the arrays). */
    public Map<String, float[]> unet() {
        return unet;
    }

    public Map<String, float[]> textEncoder() {
        return textEncoder;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * Reads an artifact: a folder holding {@value #UNET_FILE} (and maybe {@value #TEXT_ENCODER_FILE}), or one of
     * those files directly (its {@code _te} sibling is picked up when present).
     */
    public static SpectralShifts load(Path path) throws IOException {
        Path unetFile;
        Path teFile;
        if (Files.isDirectory(path)) {
            unetFile = path.resolve(UNET_FILE);
            teFile = path.resolve(TEXT_ENCODER_FILE);
        } else if (path.getFileName().toString().equals(TEXT_ENCODER_FILE)) {
            unetFile = path.resolveSibling(UNET_FILE);
            teFile = path;
        } else {
            unetFile = path;
            teFile = path.resolveSibling(TEXT_ENCODER_FILE);
        }
        if (!Files.isRegularFile(unetFile)) {
            throw new IOException("no SVDiff artifact at " + path + " (expected " + UNET_FILE + ")");
        }
        Map<String, String> meta = new LinkedHashMap<>();
        Map<String, float[]> unet = read(unetFile, meta);
        Map<String, float[]> te = Files.isRegularFile(teFile) ? read(teFile, new LinkedHashMap<>()) : Map.of();
        return new SpectralShifts(unet, te, meta);
    }

    private static Map<String, float[]> read(Path file, Map<String, String> meta) throws IOException {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (SafeTensorsFile f = SafeTensorsFile.open(file); NDManager m = NDManager.newBaseManager()) {
            meta.putAll(f.metadata());
            for (String name : f.names()) {
                if (f.info(name).shape().length != 1) {
                    throw new IOException(file + ": spectral shift '" + name + "' must be 1-D, has shape "
                            + f.info(name).djlShape());
                }
                out.put(name, f.loadFloat32(name, m).toFloatArray());
            }
        }
        return out;
    }

    /** Writes {@value #UNET_FILE} (and {@value #TEXT_ENCODER_FILE} when there are text-encoder shifts) into {@code dir}. */
    public void save(Path dir) throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            SafeTensorsWriter.write(dir.resolve(UNET_FILE), arrays(unet, m), metadata);
            if (!textEncoder.isEmpty()) {
                SafeTensorsWriter.write(dir.resolve(TEXT_ENCODER_FILE), arrays(textEncoder, m), metadata);
            }
        }
    }

    private static Map<String, NDArray> arrays(Map<String, float[]> values, NDManager m) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k, m.create(v)));
        return out;
    }

    /** {@code w · δ} for every shift. */
    public SpectralShifts scaled(float w) {
        return combine(List.of(this), new float[]{w});
    }

    /** {@code Σ wᵢ · δᵢ}; a key missing from one artifact counts as a zero shift there. Lengths must agree. */
    public static SpectralShifts combine(List<SpectralShifts> shifts, float[] weights) {
        if (shifts.isEmpty() || shifts.size() != weights.length) {
            throw new IllegalArgumentException("combine needs one weight per artifact, got " + shifts.size()
                    + " artifacts and " + weights.length + " weights");
        }
        Map<String, float[]> unet = new TreeMap<>();
        Map<String, float[]> te = new TreeMap<>();
        for (int i = 0; i < shifts.size(); i++) {
            accumulate(unet, shifts.get(i).unet, weights[i]);
            accumulate(te, shifts.get(i).textEncoder, weights[i]);
        }
        Map<String, String> meta = new TreeMap<>(shifts.get(0).metadata);
        meta.put("svdiff.combination", "sum of " + shifts.size() + " artifacts with weights "
                + java.util.Arrays.toString(weights));
        return new SpectralShifts(unet, te, meta);
    }

    private static void accumulate(Map<String, float[]> acc, Map<String, float[]> add, float w) {
        add.forEach((k, v) -> {
            float[] a = acc.computeIfAbsent(k, x -> new float[v.length]);
            if (a.length != v.length) {
                throw new IllegalArgumentException("spectral shift '" + k + "' has length " + v.length
                        + " in one artifact and " + a.length + " in another: trained on different base models?");
            }
            for (int j = 0; j < v.length; j++) {
                a[j] += w * v[j];
            }
        });
    }

    /** {@code α·δ₁ + (1 − α)·δ₂}. */
    public static SpectralShifts interpolate(SpectralShifts first, SpectralShifts second, float alpha) {
        return combine(List.of(first, second), new float[]{alpha, 1f - alpha});
    }

    /**
     * Bakes the shifts into the models for rendering: each shifted weight gets a constant override
     * {@code U · diag(ReLU(σ + δ)) · Vh} (norms: {@code w · ReLU(‖w‖ + δ)/‖w‖}). Shifts that are all zero are skipped,
     * so a zero-weighted artifact leaves the model exactly as it was. Close the result to restore the base weights.
     *
     * @param textEncoder may be {@code null} when the artifact has no text-encoder shifts
     * @param manager     owner of the baked weights
     * @throws IllegalArgumentException naming keys the models do not have or whose length does not fit
     */
    public Applied applyTo(Module unetModule, Module textEncoder, SpectralCache cache, NDManager manager) {
        List<WeightOverride> overrides = new ArrayList<>();
        try {
            bake(unetModule, unet, "unet", cache, manager, overrides);
            if (!this.textEncoder.isEmpty()) {
                if (textEncoder == null) {
                    throw new IllegalArgumentException("the artifact shifts the text encoder but none was given");
                }
                bake(textEncoder, this.textEncoder, "text encoder", cache, manager, overrides);
            }
        } catch (RuntimeException e) {
            overrides.forEach(WeightOverride::close);
            throw e;
        }
        return new Applied(overrides);
    }

    private static void bake(Module module, Map<String, float[]> deltas, String what, SpectralCache cache,
                             NDManager manager, List<WeightOverride> out) {
        Map<String, Parameter> params = module.namedParameters();
        List<String> unknown = new ArrayList<>();
        Map<String, float[]> byWeight = new LinkedHashMap<>();
        deltas.forEach((k, v) -> {
            String weight = k.substring(0, k.length() - ".delta".length()) + ".weight";
            if (!params.containsKey(weight)) {
                unknown.add(k);
            } else {
                byWeight.put(weight, v);
            }
        });
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("the " + what + " has no weights for spectral shifts " + unknown);
        }
        try (NDManager scratch = manager.newSubManager()) {
            Map<String, NDArray> all = SvdiffMethod.matrixViews(module, what, scratch);
            Map<String, NDArray> needed = new LinkedHashMap<>();
            byWeight.forEach((k, v) -> {
                if (!allZero(v) && all.containsKey(k)) {
                    needed.put(k, all.get(k));
                }
            });
            Map<String, SpectralCache.Factors> factors;
            try {
                factors = needed.isEmpty() ? Map.of() : cache.factors(SpectralCache.sha256(all), needed, scratch);
            } catch (IOException ex) {
                throw new UncheckedIOException("SVD cache failed for the " + what, ex);
            }
            for (Map.Entry<String, float[]> e : byWeight.entrySet()) {
                if (allZero(e.getValue())) {
                    continue;
                }
                Parameter p = params.get(e.getKey());
                SpectralShift shift = p.shape().dimension() == 1 ? SpectralShift.norm(e.getKey(), p.array())
                        : SpectralShift.matrix(e.getKey(), p.shape(), factors.get(e.getKey()), p.array());
                if (shift.deltaLength() != e.getValue().length) {
                    throw new IllegalArgumentException(what + " spectral shift '" + shift.deltaKey() + "' has length "
                            + e.getValue().length + " but the weight needs " + shift.deltaLength());
                }
                NDArray delta = scratch.create(e.getValue());
                NDArray baked = shift.recompose(delta, 1f);
                if (baked.getDataType() != p.array().getDataType()) {
                    NDArray cast = baked.toType(p.array().getDataType(), false);
                    baked.close();
                    baked = cast;
                }
                baked.attach(manager);
                out.add(WeightOverride.constant(p, baked));
            }
        }
    }

    private static boolean allZero(float[] v) {
        for (float x : v) {
            if (x != 0f) {
                return false;
            }
        }
        return true;
    }

    /** Shifts baked into a model; {@link #close} restores the base weights. */
    public static final class Applied implements AutoCloseable {
        private final List<WeightOverride> overrides;

        private Applied(List<WeightOverride> overrides) {
            this.overrides = overrides;
        }

        /** Number of weights that were changed. */
        public int changedWeights() {
            return overrides.size();
        }

        @Override
        public void close() {
            overrides.forEach(WeightOverride::close);
        }
    }
}
