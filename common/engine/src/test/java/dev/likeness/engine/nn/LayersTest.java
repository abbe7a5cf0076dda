package dev.likeness.engine.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.engine.Engine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The layers against plain-Java reference computations in double precision. */
class LayersTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        Engine.getInstance().setRandomSeed(42);
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void groupNormMatchesTheDefinition() {
        int n = 2;
        int c = 6;
        int g = 3;
        int hw = 5;
        GroupNorm norm = new GroupNorm(g, c, 1e-5f);
        norm.weight().set(manager.randomNormal(new Shape(c)));
        norm.bias().set(manager.randomNormal(new Shape(c)));
        NDArray x = manager.randomNormal(2f, 3f, new Shape(n, c, 1, hw), ai.djl.ndarray.types.DataType.FLOAT32);
        float[] xs = x.toFloatArray();
        float[] w = norm.weight().array().toFloatArray();
        float[] b = norm.bias().array().toFloatArray();
        float[] y = norm.forward(x).toFloatArray();
        int per = c / g * hw;
        for (int s = 0; s < n; s++) {
            for (int grp = 0; grp < g; grp++) {
                int base = (s * c + grp * (c / g)) * hw;
                double mean = 0;
                for (int i = 0; i < per; i++) {
                    mean += xs[base + i];
                }
                mean /= per;
                double var = 0;
                for (int i = 0; i < per; i++) {
                    var += (xs[base + i] - mean) * (xs[base + i] - mean);
                }
                var /= per;
                for (int i = 0; i < per; i++) {
                    int ch = grp * (c / g) + i / hw;
                    double expected = (xs[base + i] - mean) / Math.sqrt(var + 1e-5) * w[ch] + b[ch];
                    assertThat((double) y[base + i]).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-5));
                }
            }
        }
    }

    @Test
    void groupNormRejectsIndivisibleChannelsAndWrongInput() {
        assertThatThrownBy(() -> new GroupNorm(32, 48, 1e-6f)).hasMessageContaining("48 channels");
        GroupNorm norm = new GroupNorm(2, 4, 1e-6f);
        assertThatThrownBy(() -> norm.forward(manager.zeros(new Shape(1, 3, 2, 2)))).hasMessageContaining("[batch, 4");
    }

    @Test
    void nearestUpsamplingRepeatsEachPixel() {
        NDArray x = manager.arange(0f, 6f, 1f, ai.djl.ndarray.types.DataType.FLOAT32).reshape(1, 1, 2, 3);
        float[] up = Resampling.nearest2x(x).toFloatArray();
        assertThat(up).containsExactly(0, 0, 1, 1, 2, 2, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 3, 3, 4, 4, 5, 5);
        float[] odd = Resampling.nearest(x, 3, 5).toFloatArray();
        // torch nearest: src = floor(dst * in / out)
        assertThat(odd).containsExactly(0, 0, 1, 1, 2, 0, 0, 1, 1, 2, 3, 3, 4, 4, 5);
    }

    @Test
    void attentionMatchesALoopOverHeads() {
        int b = 2;
        int heads = 2;
        int l = 3;
        int s = 4;
        int d = 5;
        NDArray q = manager.randomNormal(new Shape(b * heads, l, d));
        NDArray k = manager.randomNormal(new Shape(b * heads, s, d));
        NDArray v = manager.randomNormal(new Shape(b * heads, s, d));
        float scale = (float) (1 / Math.sqrt(d));
        float[] out = ScaledDotProductAttention.attend(q, k, v, scale, null).toFloatArray();
        float[] qs = q.toFloatArray();
        float[] ks = k.toFloatArray();
        float[] vs = v.toFloatArray();
        for (int bh = 0; bh < b * heads; bh++) {
            for (int i = 0; i < l; i++) {
                double[] p = new double[s];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < s; j++) {
                    double dot = 0;
                    for (int e = 0; e < d; e++) {
                        dot += qs[(bh * l + i) * d + e] * ks[(bh * s + j) * d + e];
                    }
                    p[j] = dot * scale;
                    max = Math.max(max, p[j]);
                }
                double sum = 0;
                for (int j = 0; j < s; j++) {
                    p[j] = Math.exp(p[j] - max);
                    sum += p[j];
                }
                for (int e = 0; e < d; e++) {
                    double o = 0;
                    for (int j = 0; j < s; j++) {
                        o += p[j] / sum * vs[(bh * s + j) * d + e];
                    }
                    assertThat((double) out[(bh * l + i) * d + e]).isCloseTo(o, org.assertj.core.data.Offset.offset(1e-5));
                }
            }
        }
    }

    @Test
    void slicedAttentionEqualsTheWholeComputation() {
        NDArray q = manager.randomNormal(new Shape(6, 16, 8));
        NDArray k = manager.randomNormal(new Shape(6, 16, 8));
        NDArray v = manager.randomNormal(new Shape(6, 16, 8));
        NDArray whole = ScaledDotProductAttention.attend(q, k, v, 0.3f, null);
        // 16x16 float scores = 1 KiB per head: a 2.5 KiB budget gives slices of 2 heads
        NDArray sliced = ScaledDotProductAttention.attend(q, k, v, 0.3f, null, 2560);
        assertThat(sliced.contentEquals(whole)).isTrue();
        NDArray mask = ScaledDotProductAttention.causalMask(manager, 16);
        NDArray maskedWhole = ScaledDotProductAttention.attend(q, k, v, 0.3f, mask);
        // 200 bytes: slices of 3 query rows within one head, the causal mask sliced alike
        // (the GEMM may block fewer rows differently, so allow float rounding)
        NDArray rowSliced = ScaledDotProductAttention.attend(q, k, v, 0.3f, mask, 200);
        assertThat(rowSliced.sub(maskedWhole).abs().max().getFloat()).isLessThan(1e-6f);
        NDArray rowSliced3d = ScaledDotProductAttention.attend(q, k, v, 0.3f, mask.expandDims(0), 200);
        assertThat(rowSliced3d.sub(maskedWhole).abs().max().getFloat()).isLessThan(1e-6f);
        assertThat(rowSliced.sub(maskedWhole).abs().max().getFloat()).isLessThan(1e-6f);
    }

    @Test
    void causalMaskHidesTheFuture() {
        NDArray q = manager.randomNormal(new Shape(1, 3, 4));
        NDArray v = manager.randomNormal(new Shape(1, 3, 4));
        NDArray mask = ScaledDotProductAttention.causalMask(manager, 3);
        NDArray out = ScaledDotProductAttention.attend(q, q, v, 0.5f, mask);
        // the first position can only see itself
        assertThat(out.get(0, 0).toFloatArray()).containsExactly(v.get(0, 0).toFloatArray());
    }

    @Test
    void headsSplitAndMergeAreInverse() {
        NDArray x = manager.randomNormal(new Shape(2, 3, 8));
        NDArray split = ScaledDotProductAttention.splitHeads(x, 4);
        assertThat(split.getShape()).isEqualTo(new Shape(8, 3, 2));
        assertThat(ScaledDotProductAttention.mergeHeads(split, 4).contentEquals(x)).isTrue();
        // head 1 of batch 0 holds channels 2..3
        assertThat(split.get(1).toFloatArray()).containsExactly(x.get(":, :, 2:4").get(0).toFloatArray());
    }

    @Test
    void activationsByConfigName() {
        NDArray x = manager.create(new float[] {-2f, 0f, 1.5f});
        assertThat(ActivationFunction.fromName("swish")).isEqualTo(ActivationFunction.SILU);
        float[] quick = ActivationFunction.QUICK_GELU.apply(x).toFloatArray();
        assertThat((double) quick[2]).isCloseTo(1.5 / (1 + Math.exp(-1.702 * 1.5)),
                org.assertj.core.data.Offset.offset(1e-6));
        float[] tanh = ActivationFunction.GELU_TANH.apply(x).toFloatArray();
        double xv = -2;
        double expected = 0.5 * xv * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (xv + 0.044715 * xv * xv * xv)));
        assertThat((double) tanh[0]).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-6));
        assertThatThrownBy(() -> ActivationFunction.fromName("mish")).hasMessageContaining("mish");
    }

    @Test
    void gegluGatesTheFirstHalfWithGeluOfTheSecond() {
        Geglu geglu = new Geglu(2, 1);
        geglu.proj().weight().set(manager.create(new float[] {1, 0, 0, 1}, new Shape(2, 2)));
        geglu.proj().bias().set(manager.zeros(new Shape(2)));
        float[] y = geglu.forward(manager.create(new float[] {3f, 1f}, new Shape(1, 2))).toFloatArray();
        double gelu1 = 0.5 * (1 + erf(1 / Math.sqrt(2)));
        assertThat((double) y[0]).isCloseTo(3 * gelu1, org.assertj.core.data.Offset.offset(1e-5));
    }

    @Test
    void moduleListNamesChildrenByIndex() {
        ModuleList<Linear> list = new ModuleList<>();
        list.add(new Linear(2, 3, true));
        list.skip();
        list.add(new Linear(3, 2, false));
        assertThat(list.namedParameters().keySet()).containsExactly("0.weight", "0.bias", "2.weight");
    }

    private static double erf(double x) {
        // Abramowitz-Stegun 7.1.26 is only 1e-7 accurate; integrate instead
        int n = 10_000;
        double h = x / n;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double t = (i + 0.5) * h;
            sum += Math.exp(-t * t);
        }
        return 2 / Math.sqrt(Math.PI) * sum * h;
    }
}
