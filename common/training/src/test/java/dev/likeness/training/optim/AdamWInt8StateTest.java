package dev.likeness.training.optim;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.model.unet.UNet2DConditionModel;
import dev.likeness.engine.model.unet.UNetConfig;
import dev.likeness.engine.nn.Parameter;
import dev.likeness.training.TrainableTensor;
import dev.likeness.training.TrainingConfig.StatePrecision;
import dev.likeness.training.checkpoint.TrainingCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** AdamW with 8-bit blockwise moments against float32 moments: drift, convergence, checkpoints, bytes. */
class AdamWInt8StateTest {

    private static final Shape SHAPE = new Shape(64, 80); // 5120 values: 2 full blocks and a partial one
    private static final Map<String, AdamW.Group> GROUPS = Map.of("g", new AdamW.Group(1e-3f, 1e-2f));

    @TempDir
    Path tmp;

    // gradients whose scale differs by row over `decades` (e.g. 1e-3 .. 1): values of very different size in a block
    private static List<float[]> gradients(int steps, long seed, double decades) {
        Random r = new Random(seed);
        float[] rowScale = new float[(int) SHAPE.get(0)];
        for (int i = 0; i < rowScale.length; i++) {
            rowScale[i] = (float) Math.pow(10, -decades * r.nextDouble());
        }
        float[] bias = new float[(int) SHAPE.size()];
        for (int i = 0; i < bias.length; i++) {
            bias[i] = (float) r.nextGaussian();
        }
        List<float[]> out = new ArrayList<>();
        for (int s = 0; s < steps; s++) {
            float[] g = new float[bias.length];
            for (int i = 0; i < g.length; i++) {
                // a consistent direction plus noise, so the moments carry signal
                g[i] = rowScale[i / (int) SHAPE.get(1)] * (float) (0.5 * bias[i] + r.nextGaussian());
            }
            out.add(g);
        }
        return out;
    }

    private static float[] start() {
        Random r = new Random(1);
        float[] w = new float[(int) SHAPE.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextGaussian();
        }
        return w;
    }

    private static float[] train(StatePrecision precision, List<float[]> grads) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.create(start(), SHAPE);
            try (AdamW opt = new AdamW(List.of(new TrainableTensor("w", w, "g")), GROUPS, 0.9f, 0.999f, 1e-8f,
                    precision, m)) {
                for (float[] g : grads) {
                    opt.step(List.of(m.create(g, SHAPE)), 1.0);
                }
            }
            return w.toFloatArray();
        }
    }

    private static double norm(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            s += d * d;
        }
        return Math.sqrt(s);
    }

    // |w_int8 - w_fp32| / |w_fp32 - w0| after 20 steps
    private static double drift(double decades, double tolerance) {
        List<float[]> grads = gradients(20, 5, decades);
        float[] w0 = start();
        float[] full = train(StatePrecision.FLOAT32, grads);
        float[] half = train(StatePrecision.FLOAT16, grads);
        float[] int8 = train(StatePrecision.INT8_BLOCKWISE, grads);
        double update = norm(full, w0);
        double drift8 = norm(int8, full) / update;
        double drift16 = norm(half, full) / update;
        double worst = 0;
        double worstUpdate = 0;
        for (int i = 0; i < w0.length; i++) {
            worst = Math.max(worst, Math.abs(int8[i] - full[i]));
            worstUpdate = Math.max(worstUpdate, Math.abs(full[i] - w0[i]));
        }
        System.out.printf("20 AdamW steps, gradient scales over %.1f decades per block: |w_int8 - w_fp32| / "
                + "|w_fp32 - w0| = %.2e (fp16: %.2e); worst value %.2e of a largest update %.2e%n", decades, drift8,
                drift16, worst, worstUpdate);
        assertThat(drift8).isLessThan(tolerance);
        assertThat(drift16).isLessThan(drift8);
        assertThat(worst).isLessThan(0.15 * worstUpdate);
        return drift8;
    }

    @Test
    void twentyStepsStayCloseToFloat32Moments() {
        // gradients of about one size (a typical tensor): measured 1.5e-2 of the update
        drift(0.5, 2e-2);
        // three decades inside each block: the small values sit low in their block's code (measured 3.5e-2)
        drift(3, 5e-2);
    }

    // least squares W* from X: loss = mean((X W - Y)^2), gradient 2/N · X^T (X W - Y)
    private static float[] regression(StatePrecision precision, int steps) {
        try (NDManager m = NDManager.newBaseManager()) {
            ai.djl.engine.Engine.getInstance().setRandomSeed(3);
            NDArray x = m.randomNormal(new Shape(128, 32));
            NDArray target = m.randomNormal(new Shape(32, 96));
            NDArray y = x.matMul(target);
            NDArray w = m.zeros(target.getShape());
            float[] losses = new float[steps + 1];
            try (AdamW opt = new AdamW(List.of(new TrainableTensor("w", w, "g")),
                    Map.of("g", new AdamW.Group(3e-2f, 0f)), 0.9f, 0.999f, 1e-8f, precision, m)) {
                for (int s = 0; s <= steps; s++) {
                    try (NDManager step = m.newSubManager()) {
                        NDArray residual = x.matMul(w).sub(y);
                        residual.attach(step);
                        losses[s] = residual.square().mean().getFloat();
                        if (s < steps) {
                            NDArray g = x.transpose().matMul(residual).muli(2f / 128);
                            g.attach(step);
                            opt.step(List.of(g), 1.0);
                        }
                    }
                }
            }
            return losses;
        }
    }

    @Test
    void convergesOnALeastSquaresProblemLikeFloat32() {
        float[] full = regression(StatePrecision.FLOAT32, 300);
        float[] int8 = regression(StatePrecision.INT8_BLOCKWISE, 300);
        System.out.printf("least squares loss %.4f -> fp32 %.3e, int8 %.3e after 300 steps%n", full[0], full[300],
                int8[300]);
        assertThat(int8[0]).isEqualTo(full[0]);
        assertThat(int8[300]).isLessThan(full[0] * 1e-3f);
        assertThat(int8[300]).isLessThan(Math.max(full[300] * 3, full[0] * 1e-4f));
    }

    private static byte[] bytes(NDArray a) {
        ByteBuffer b = a.toByteBuffer();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    @Test
    void checkpointRoundTripIsBitExactAndContinuesIdentically() throws Exception {
        List<float[]> grads = gradients(6, 9, 3);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w1 = m.create(start(), SHAPE);
            NDArray w2 = m.create(start(), SHAPE);
            try (AdamW a = new AdamW(List.of(new TrainableTensor("w", w1, "g")), GROUPS, 0.9f, 0.999f, 1e-8f,
                    StatePrecision.INT8_BLOCKWISE, m);
                 AdamW b = new AdamW(List.of(new TrainableTensor("w", w2, "g")), GROUPS, 0.9f, 0.999f, 1e-8f,
                         StatePrecision.INT8_BLOCKWISE, m)) {
                for (int s = 0; s < 3; s++) {
                    a.step(List.of(m.create(grads.get(s), SHAPE)), 1.0);
                }
                Map<String, NDArray> saved = a.state(m);
                assertThat(saved.keySet()).containsExactlyInAnyOrder("exp_avg_q8.w", "exp_avg_absmax.w",
                        "exp_avg_sq_q8.w", "exp_avg_sq_absmax.w", "step");
                assertThat(saved.get("exp_avg_q8.w").getDataType()).isEqualTo(DataType.INT8);
                assertThat(saved.get("exp_avg_sq_q8.w").getDataType()).isEqualTo(DataType.UINT8);
                assertThat(saved.get("exp_avg_absmax.w").getShape()).isEqualTo(new Shape(3));
                Path dir = TrainingCheckpoint.write(tmp, 3, 0, "toy", Map.of("w", w1), saved, List.of(1f, 1f, 1f),
                        "int8 test");
                long fileBytes = Files.size(dir.resolve("optimizer.safetensors"));
                System.out.printf("optimizer.safetensors: %d bytes for %d values (fp32 would hold %d)%n", fileBytes,
                        SHAPE.size(), 8 * SHAPE.size());
                assertThat(fileBytes).isLessThan(2 * SHAPE.size() + 1024);

                w2.muli(0).addi(w1);
                b.loadState(TrainingCheckpoint.read(dir).loadOptimizer(m));
                assertThat(b.stepCount()).isEqualTo(3);
                Map<String, NDArray> reloaded = b.state(m);
                for (String k : saved.keySet()) {
                    assertThat(bytes(reloaded.get(k))).as(k).isEqualTo(bytes(saved.get(k)));
                }
                for (int s = 3; s < 6; s++) {
                    a.step(List.of(m.create(grads.get(s), SHAPE)), 1.0);
                    b.step(List.of(m.create(grads.get(s), SHAPE)), 1.0);
                }
                assertThat(w2.toFloatArray()).containsExactly(w1.toFloatArray());
            }
        }
    }

    @Test
    void liveArraysStayFlatAcrossSteps() {
        List<float[]> grads = gradients(8, 2, 1);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.create(start(), SHAPE);
            NDArray bias = m.zeros(new Shape(7));
            NDArray g = m.create(grads.get(0), SHAPE);
            NDArray gb = m.ones(new Shape(7));
            int before = ((BaseNDManager) m).getManagedArrays().size();
            try (AdamW opt = new AdamW(List.of(new TrainableTensor("w", w, "g"), new TrainableTensor("b", bias, "g")),
                    GROUPS, 0.9f, 0.999f, 1e-8f, StatePrecision.INT8_BLOCKWISE, m)) {
                opt.step(List.of(g, gb), 1.0);
                int warm = ((BaseNDManager) m).getManagedArrays().size();
                for (int s = 0; s < 8; s++) {
                    opt.step(List.of(g, gb), 1.0);
                }
                int after = ((BaseNDManager) m).getManagedArrays().size();
                // codes + scales of two moments of two tensors
                assertThat(warm).isEqualTo(before + 8);
                assertThat(after).isEqualTo(warm);
            }
            assertThat(((BaseNDManager) m).getManagedArrays().size()).isEqualTo(before);
        }
    }

    @Test
    void stateCrossesPrecisions() {
        List<float[]> grads = gradients(2, 4, 3);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.create(start(), SHAPE);
            try (AdamW int8 = new AdamW(List.of(new TrainableTensor("w", w, "g")), GROUPS, 0.9f, 0.999f, 1e-8f,
                    StatePrecision.INT8_BLOCKWISE, m);
                 AdamW full = new AdamW(List.of(new TrainableTensor("w", w.duplicate(), "g")), GROUPS, 0.9f,
                         0.999f, 1e-8f, StatePrecision.FLOAT32, m);
                 AdamW back = new AdamW(List.of(new TrainableTensor("w", w.duplicate(), "g")), GROUPS, 0.9f,
                         0.999f, 1e-8f, StatePrecision.INT8_BLOCKWISE, m)) {
                for (float[] g : grads) {
                    int8.step(List.of(m.create(g, SHAPE)), 1.0);
                }
                Map<String, NDArray> q = int8.state(m);
                full.loadState(q); // 8-bit -> float32: decoded
                Map<String, NDArray> f = full.state(m);
                NDArray decoded = BlockwiseInt8.decode(q.get("exp_avg_q8.w"), q.get("exp_avg_absmax.w"), SHAPE,
                        BlockwiseInt8.Code.SIGNED);
                assertThat(f.get("exp_avg.w").toFloatArray()).containsExactly(decoded.toFloatArray());
                back.loadState(f); // float32 -> 8-bit: encoded again, the same codes
                Map<String, NDArray> again = back.state(m);
                assertThat(bytes(again.get("exp_avg_q8.w"))).isEqualTo(bytes(q.get("exp_avg_q8.w")));
                assertThat(again.get("exp_avg_absmax.w").toFloatArray())
                        .containsExactly(q.get("exp_avg_absmax.w").toFloatArray());
            }
        }
    }

    @Test
    void stateBytesPerValueAreAboutTwo() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.zeros(SHAPE);
            NDArray bias = m.zeros(new Shape(80));
            List<TrainableTensor> params = List.of(new TrainableTensor("w", w, "g"),
                    new TrainableTensor("b", bias, "g"));
            for (StatePrecision p : StatePrecision.values()) {
                try (AdamW opt = new AdamW(params, GROUPS, 0.9f, 0.999f, 1e-8f, p, m)) {
                    assertThat(opt.stateBytes()).as(p.name())
                            .isEqualTo(AdamW.stateBytes(p, SHAPE.size()) + AdamW.stateBytes(p, 80));
                }
            }
            assertThat(AdamW.stateBytes(StatePrecision.INT8_BLOCKWISE, SHAPE.size()))
                    .isEqualTo(2 * SHAPE.size() + 2 * 4 * 3);
        }
        // SD 1.5's UNet (shapes only, no weights): what full fine-tuning keeps as optimizer state
        UNetConfig config = UNetConfig.read(Path.of(getClass().getResource("/svdiff/sd15-unet-config.json").toURI()));
        long values = 0;
        long[] bytes = new long[StatePrecision.values().length];
        for (Parameter p : new UNet2DConditionModel(config).namedParameters().values()) {
            values += p.shape().size();
            for (StatePrecision s : StatePrecision.values()) {
                bytes[s.ordinal()] += AdamW.stateBytes(s, p.shape().size());
            }
        }
        System.out.printf("SD 1.5 UNet, %d values: AdamW state fp32 %.2f GB, fp16 %.2f GB, int8 %.3f GB "
                        + "(%.4f bytes/value)%n", values, bytes[0] / 1e9, bytes[1] / 1e9, bytes[2] / 1e9,
                (double) bytes[2] / values);
        assertThat(values).isEqualTo(859_520_964L);
        assertThat((double) bytes[2] / values).isBetween(2.0, 2.0 + 8.0 / 2048 + 0.01);
        assertThat((double) bytes[0] / bytes[2]).isGreaterThan(3.9);
    }
}
