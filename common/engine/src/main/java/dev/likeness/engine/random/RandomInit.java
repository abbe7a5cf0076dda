package dev.likeness.engine.random;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.nn.Conv2d;
import dev.likeness.engine.nn.Embedding;
import dev.likeness.engine.nn.GroupNorm;
import dev.likeness.engine.nn.LayerNorm;
import dev.likeness.engine.nn.Linear;
import dev.likeness.engine.nn.Module;
import dev.likeness.engine.nn.Parameter;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded random weights for any {@link Module}, in torch's default spirit: Linear/Conv weights and biases uniform in
 * {@code ±1/sqrt(fan_in)}, embeddings normal with std 0.02, norm scales near 1 and shifts near 0 (slightly perturbed
 * so tests notice a swapped scale and shift).
 *
 * <p>Every parameter draws from its own generator seeded by (seed, full key), so values depend only on the seed
 * and the key, never on registration order or on other parameters. The generator is Java's
 * {@link SplittableRandom} (specified algorithm) with a Box-Muller transform, so the weights are the same on every
 * JVM.
 */
public final class RandomInit {

    private RandomInit() {
    }

    /** Fills every parameter of {@code module} with arrays created in {@code manager}. */
    public static void initialize(Module module, long seed, NDManager manager) {
        for (Map.Entry<String, Module> e : module.namedModules().entrySet()) {
            String path = e.getKey().isEmpty() ? "" : e.getKey() + ".";
            Module m = e.getValue();
            for (Parameter p : m.localParameters().values()) {
                String key = path + p.name();
                SplittableRandom rnd = new SplittableRandom(mix(seed, key));
                float[] values = values(m, p, rnd);
                NDArray a = manager.create(values, p.shape());
                p.set(a);
            }
        }
    }

    private static float[] values(Module m, Parameter p, SplittableRandom rnd) {
        Shape s = p.shape();
        int n = Math.toIntExact(s.size());
        float[] v = new float[n];
        boolean isWeight = p.name().equals("weight");
        if (m instanceof Linear || m instanceof Conv2d) {
            long fanIn = m instanceof Linear ? ((Linear) m).inFeatures()
                    : ((Conv2d) m).inChannels() * ((Conv2d) m).kernel() * ((Conv2d) m).kernel();
            double bound = 1.0 / Math.sqrt(fanIn);
            for (int i = 0; i < n; i++) {
                v[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
            }
        } else if (m instanceof GroupNorm || m instanceof LayerNorm) {
            for (int i = 0; i < n; i++) {
                double noise = (rnd.nextDouble() * 2 - 1) * 0.1;
                v[i] = (float) (isWeight ? 1.0 + noise : noise);
            }
        } else if (m instanceof Embedding) {
            fillNormal(v, rnd, 0.02);
        } else {
            fillNormal(v, rnd, 0.02);
        }
        return v;
    }

    private static void fillNormal(float[] v, SplittableRandom rnd, double std) {
        for (int i = 0; i < v.length; i += 2) {
            double u1 = 1.0 - rnd.nextDouble(); // (0, 1]
            double u2 = rnd.nextDouble();
            double r = Math.sqrt(-2.0 * Math.log(u1));
            v[i] = (float) (std * r * Math.cos(2 * Math.PI * u2));
            if (i + 1 < v.length) {
                v[i + 1] = (float) (std * r * Math.sin(2 * Math.PI * u2));
            }
        }
    }

    /** A 64-bit seed from the user seed and the key (FNV-1a over UTF-8, then a SplitMix finaliser). */
    static long mix(long seed, String key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        long z = h ^ (seed * 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
