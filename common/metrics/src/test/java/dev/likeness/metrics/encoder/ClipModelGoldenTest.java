package dev.likeness.metrics.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.likeness.engine.io.SafeTensorsFile;
import dev.likeness.metrics.GoldenEval;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** CLIP towers against transformers 4.38 on the stored pixel_values / input_ids. */
class ClipModelGoldenTest {

    private static SafeTensorsFile golden;
    private static ClipModel model;
    private static NDManager manager;

    @BeforeAll
    static void load() throws IOException {
        golden = GoldenEval.clip();
        model = ClipModel.load(GoldenEval.clipModel());
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() throws IOException {
        manager.close();
        model.close();
        golden.close();
    }

    private static double diff(NDArray actual, String name) {
        float[] expected = GoldenEval.floats(golden, name);
        assertThat(actual.getShape().getShape()).as(name + " shape").isEqualTo(GoldenEval.shape(golden, name));
        return GoldenEval.maxAbsDiff(actual.toFloatArray(), expected);
    }

    @Test
    void visionTowerMatches() {
        try (NDManager m = manager.newSubManager()) {
            NDArray pixels = golden.load("pixel_values", m);
            NDList out = model.visionOutputs(pixels);
            NDArray hs = ai.djl.ndarray.NDArrays.stack(out.subNDList(0, 3), 0); // [3, 4, 17, 32]
            assertThat(diff(hs, "vision.hidden_states")).isLessThanOrEqualTo(5e-5);
            assertThat(diff(out.get(3), "vision.pooler_output")).isLessThanOrEqualTo(1e-5);
            assertThat(diff(model.imageEmbeds(pixels), "image_embeds")).isLessThanOrEqualTo(1e-5);
            NDArray rand = golden.load("rand.pixel_values", m);
            assertThat(diff(model.imageEmbeds(rand), "rand.image_embeds")).isLessThanOrEqualTo(1e-5);
        }
    }

    @Test
    void textTowerMatches() {
        try (NDManager m = manager.newSubManager()) {
            NDArray ids = golden.load("input_ids", m);
            NDList out = model.textOutputs(ids);
            // transformers also masked padding keys; compare the positions up to end-of-text, which it cannot change
            long[] mask = golden.load("attention_mask", m).toLongArray();
            float[] got = out.get(0).toFloatArray();
            float[] want = GoldenEval.floats(golden, "text.last_hidden_state");
            double max = 0;
            int compared = 0;
            for (int i = 0; i < got.length; i++) {
                if (mask[i / 32] == 1) {
                    max = Math.max(max, Math.abs(got[i] - want[i]));
                    compared++;
                }
            }
            assertThat(compared).isGreaterThan(3 * 32);
            assertThat(max).isLessThanOrEqualTo(5e-5);
            assertThat(diff(out.get(1), "text.pooler_output")).isLessThanOrEqualTo(1e-5);
            assertThat(diff(model.textEmbeds(ids), "text_embeds")).isLessThanOrEqualTo(1e-5);
        }
    }

    @Test
    void callsLeaveNoArraysInTheModelOrCallerScope() {
        try (NDManager m = manager.newSubManager()) {
            NDArray pixels = golden.load("pixel_values", m);
            model.imageEmbeds(pixels);
            int before = m.getManagedArrays().size();
            model.imageEmbeds(pixels).close();
            model.textEmbeds(golden.load("input_ids", m)).close();
            assertThat(m.getManagedArrays().size()).isEqualTo(before + 1); // only the loaded ids remain
        }
    }

    @Test
    void rejectsWrongInputShapeAndMissingEos() {
        try (NDManager m = manager.newSubManager()) {
            assertThatThrownBy(() -> model.imageEmbeds(m.zeros(new ai.djl.ndarray.types.Shape(1, 3, 16, 16))))
                    .hasMessageContaining("CLIP vision expects");
            assertThatThrownBy(() -> model.textEmbeds(m.create(new long[][]{{998, 5, 6}})))
                    .hasMessageContaining("no end-of-text token");
        }
    }
}
