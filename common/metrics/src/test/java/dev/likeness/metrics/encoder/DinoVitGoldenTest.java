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

/** ViT/DINO against transformers 4.38 on the stored pixel_values. */
class DinoVitGoldenTest {

    private static SafeTensorsFile golden;
    private static DinoVit model;

    @BeforeAll
    static void load() throws IOException {
        golden = GoldenEval.dino();
        model = DinoVit.load(GoldenEval.dinoModel());
    }

    @AfterAll
    static void close() throws IOException {
        model.close();
        golden.close();
    }

    private static double diff(NDArray actual, String name) {
        assertThat(actual.getShape().getShape()).as(name + " shape").isEqualTo(GoldenEval.shape(golden, name));
        return GoldenEval.maxAbsDiff(actual.toFloatArray(), GoldenEval.floats(golden, name));
    }

    @Test
    void configIsReadFromTheFolder() {
        assertThat(model.config().eps()).isEqualTo(1e-12f);
        assertThat(model.config().act()).isEqualTo(dev.likeness.engine.nn.ActivationFunction.GELU);
    }

    @Test
    void hiddenStatesAndClsMatch() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray pixels = golden.load("pixel_values", m);
            NDList out = model.forward(pixels);
            assertThat(diff(ai.djl.ndarray.NDArrays.stack(out.subNDList(0, 3), 0), "hidden_states")).isLessThanOrEqualTo(5e-5);
            assertThat(diff(out.get(3), "last_hidden_state")).isLessThanOrEqualTo(5e-5);
            assertThat(diff(model.cls(pixels), "cls")).isLessThanOrEqualTo(1e-5);
            assertThat(diff(model.cls(golden.load("hubnorm.pixel_values", m)), "hubnorm.cls"))
                    .isLessThanOrEqualTo(1e-5);
            assertThat(diff(model.cls(golden.load("rand.pixel_values", m)), "rand.cls")).isLessThanOrEqualTo(1e-5);
        }
    }
}
