package dev.likeness.training.linalg;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.io.SafeTensorsFile;
import dev.likeness.engine.io.SafeTensorsWriter;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;

/**
 * SVD factors of a base model's weight matrices, computed once per model content and reused: the SVD of an SD 1.5
 * UNet takes minutes in pure Java, fine-tuning it with SVDiff many times should not. Entries are keyed by the
 * sha-256 of the weights file ({@link #sha256}) and stored as one safetensors object {@code svd-<digest>.safetensors}
 * with tensors {@code <weight key>.U [m, k]}, {@code .S [k]}, {@code .Vh [k, n]} (float32).
 */
public final class SpectralCache {

    /** Frozen factors of one matrix: {@code U [m, k]}, {@code S [k]}, {@code Vh [k, n]}. */
    public record Factors(NDArray u, NDArray s, NDArray vh) {
    }

    private static final Pattern DIGEST = Pattern.compile("[0-9a-f]{16,128}");

    private final SpectralStore store;
    private final int threads;
    private int lastComputed;

    /** A cache computing missing factors on all available processors. */
    public SpectralCache(SpectralStore store) {
        this(store, Runtime.getRuntime().availableProcessors());
    }

    public SpectralCache(SpectralStore store, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.store = store;
        this.threads = threads;
    }

    /** Number of matrices the last {@link #factors} call had to decompose (0 = every entry came from the cache). */
    public int lastComputed() {
        return lastComputed;
    }

    /**
     * Factors of every matrix, read from the cache where present and computed (then stored) otherwise.
     *
     * @param modelDigest sha-256 (hex) of the weights the matrices come from
     * @param matrices    weight key → float32 matrix {@code [m, n]} (conv kernels already flattened to
     *                    {@code [c_out, c_in·h·w]})
     * @param manager     owner of the returned arrays
     * @return weight key → factors, in the order of {@code matrices}
     */
    public Map<String, Factors> factors(String modelDigest, Map<String, NDArray> matrices, NDManager manager)
            throws IOException {
        if (!DIGEST.matcher(modelDigest).matches()) {
            throw new IllegalArgumentException("model digest '" + modelDigest + "' is not a lower-case hex digest");
        }
        for (Map.Entry<String, NDArray> e : matrices.entrySet()) {
            if (e.getValue().getShape().dimension() != 2) {
                throw new IllegalArgumentException("'" + e.getKey() + "' is not a matrix: shape "
                        + e.getValue().getShape());
            }
        }
        String key = "svd-" + modelDigest + ".safetensors";
        Map<String, Factors> out = new LinkedHashMap<>();
        Map<String, NDArray> keptFromCache = new LinkedHashMap<>();
        try (NDManager scratch = manager.newSubManager()) {
            Optional<Path> cached = store.fetch(key);
            if (cached.isPresent()) {
                try (SafeTensorsFile file = SafeTensorsFile.open(cached.get())) {
                    for (Map.Entry<String, NDArray> e : matrices.entrySet()) {
                        Factors f = read(file, e.getKey(), e.getValue().getShape(), manager);
                        if (f != null) {
                            out.put(e.getKey(), f);
                        }
                    }
                    if (out.size() < matrices.size()) {
                        // Keep entries for other keys when the object is rewritten with the new ones.
                        for (String name : file.names()) {
                            String weight = name.substring(0, name.lastIndexOf('.'));
                            if (!out.containsKey(weight)) {
                                keptFromCache.put(name, file.load(name, scratch));
                            }
                        }
                    }
                }
            }
            List<String> missing = new ArrayList<>();
            for (String k : matrices.keySet()) {
                if (!out.containsKey(k)) {
                    missing.add(k);
                }
            }
            lastComputed = missing.size();
            if (missing.isEmpty()) {
                return ordered(matrices, out);
            }
            Map<String, ThinSvd> computed = compute(missing, matrices);
            Map<String, NDArray> toWrite = new LinkedHashMap<>(keptFromCache);
            for (Map.Entry<String, ThinSvd> e : computed.entrySet()) {
                ThinSvd svd = e.getValue();
                int k = svd.rank();
                Factors f = new Factors(manager.create(svd.u(), new Shape(svd.m(), k)),
                        manager.create(svd.s(), new Shape(k)), manager.create(svd.vh(), new Shape(k, svd.n())));
                out.put(e.getKey(), f);
                toWrite.put(e.getKey() + ".U", f.u());
                toWrite.put(e.getKey() + ".S", f.s());
                toWrite.put(e.getKey() + ".Vh", f.vh());
            }
            for (Map.Entry<String, Factors> e : out.entrySet()) {
                if (!computed.containsKey(e.getKey())) {
                    toWrite.put(e.getKey() + ".U", e.getValue().u());
                    toWrite.put(e.getKey() + ".S", e.getValue().s());
                    toWrite.put(e.getKey() + ".Vh", e.getValue().vh());
                }
            }
            Path tmp = Files.createTempFile("svd-" + modelDigest, ".safetensors");
            try {
                SafeTensorsWriter.write(tmp, toWrite, Map.of("format", "pt", "likeness.svd.model_digest",
                        modelDigest, "likeness.svd.layout", "W = U @ diag(S) @ Vh, thin, float32"));
                store.put(key, tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        return ordered(matrices, out);
    }

    private static Map<String, Factors> ordered(Map<String, NDArray> matrices, Map<String, Factors> found) {
        Map<String, Factors> out = new LinkedHashMap<>();
        matrices.keySet().forEach(k -> out.put(k, found.get(k)));
        return out;
    }

    private static Factors read(SafeTensorsFile file, String weight, Shape shape, NDManager manager) {
        String u = weight + ".U";
        String s = weight + ".S";
        String vh = weight + ".Vh";
        if (!file.contains(u) || !file.contains(s) || !file.contains(vh)) {
            return null;
        }
        long m = shape.get(0);
        long n = shape.get(1);
        long k = Math.min(m, n);
        if (!file.info(u).djlShape().equals(new Shape(m, k)) || !file.info(s).djlShape().equals(new Shape(k))
                || !file.info(vh).djlShape().equals(new Shape(k, n))) {
            return null; // a stale entry for a differently shaped weight: recompute it
        }
        return new Factors(file.loadFloat32(u, manager), file.loadFloat32(s, manager),
                file.loadFloat32(vh, manager));
    }

    private Map<String, ThinSvd> compute(List<String> keys, Map<String, NDArray> matrices) throws IOException {
        Map<String, ThinSvd> out = new LinkedHashMap<>();
        Object readLock = new Object();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, keys.size()), r -> {
            Thread t = new Thread(r, "svd-cache");
            t.setDaemon(true);
            return t;
        });
        try {
            Map<String, Future<ThinSvd>> futures = new LinkedHashMap<>();
            for (String k : keys) {
                NDArray matrix = matrices.get(k);
                futures.put(k, pool.submit(() -> {
                    float[] data;
                    synchronized (readLock) { // one native read at a time, so copies are not all on the heap at once
                        if (matrix.getDataType() == DataType.FLOAT32) {
                            data = matrix.toFloatArray();
                        } else {
                            try (NDArray widened = matrix.toType(DataType.FLOAT32, false)) {
                                data = widened.toFloatArray();
                            }
                        }
                    }
                    return ThinSvd.of(data, (int) matrix.getShape().get(0), (int) matrix.getShape().get(1));
                }));
            }
            for (Map.Entry<String, Future<ThinSvd>> e : futures.entrySet()) {
                try {
                    out.put(e.getKey(), e.getValue().get());
                } catch (ExecutionException ex) {
                    throw new IllegalStateException("SVD of '" + e.getKey() + "' failed: " + ex.getCause().getMessage(),
                            ex.getCause());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while computing SVD factors", e);
        } finally {
            pool.shutdownNow();
        }
        return out;
    }

    /**
     * Lower-case hex sha-256 of named arrays (names, dtypes, shapes and bytes, in map order): a content key for
     * weights that are already in memory.
     */
    public static String sha256(Map<String, NDArray> arrays) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
                NDArray a = e.getValue();
                md.update((e.getKey() + "|" + a.getDataType() + "|" + a.getShape() + "\n")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                md.update(a.toByteBuffer());
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Lower-case hex sha-256 of a file's bytes: the cache key of the model it holds. */
    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot digest " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
