package dev.likeness.training.method.svdiff;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.folder.StableDiffusionModel;
import dev.likeness.engine.testing.Golden;
import dev.likeness.training.linalg.FolderSpectralStore;
import dev.likeness.training.linalg.SpectralCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SingleImageEditorTest {

    @TempDir
    Path tmp;

    @Test
    void slerpFollowsTheGreatCircle() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[]{1, 0});
            NDArray b = m.create(new float[]{0, 1});
            assertThat(SingleImageEditor.slerp(a, b, 0f).toFloatArray()).containsExactly(1f, 0f);
            float[] end = SingleImageEditor.slerp(a, b, 1f).toFloatArray();
            assertThat(end[0]).isCloseTo(0f, within(1e-6f));
            assertThat(end[1]).isCloseTo(1f, within(1e-6f));
            float[] mid = SingleImageEditor.slerp(a, b, 0.5f).toFloatArray();
            assertThat(mid[0]).isCloseTo((float) Math.sqrt(0.5), within(1e-6f)); // unit norm, unlike a lerp
            assertThat(mid[1]).isCloseTo((float) Math.sqrt(0.5), within(1e-6f));
        }
    }

    @Test
    void fineTunesOnOneImageAndEditsWithoutChangingTheBaseModel() throws Exception {
        try (StableDiffusionModel sd = StableDiffusionModel.load(Golden.path("tiny-sd"));
             NDManager m = NDManager.newBaseManager()) {
            Random r = new Random(1);
            float[] px = new float[3 * 64 * 64];
            for (int i = 0; i < px.length; i++) {
                px[i] = r.nextFloat();
            }
            NDArray image = m.create(px, new Shape(1, 3, 64, 64));
            NDArray probe = m.randomNormal(0, 1, new Shape(1, 4, 8, 8), DataType.FLOAT32);
            NDArray ehs = m.randomNormal(0, 1, new Shape(1, 77, 32), DataType.FLOAT32);
            float[] before = sd.unet().forward(probe, m.create(new long[]{500}), ehs).toFloatArray();

            SpectralCache cache = new SpectralCache(new FolderSpectralStore(tmp));
            SingleImageEditor editor = new SingleImageEditor(sd, cache);
            SingleImageEditor.Settings s = new SingleImageEditor.Settings(3, 1e-2f, 4, 3f, 0.5f, 0.2f, 9);
            SpectralShifts shifts = editor.fineTune(image, "a photo of a dog", s);
            assertThat(shifts.unet()).isNotEmpty();
            assertThat(shifts.unet().values()).anySatisfy(d -> assertThat(d).isNotEqualTo(new float[d.length]));

            NDArray edited = editor.edit(shifts, image, "a photo of a dog", "a photo of a cat", s, m);
            assertThat(edited.getShape()).isEqualTo(new Shape(1, 3, 64, 64));
            assertThat(edited.min().getFloat()).isGreaterThanOrEqualTo(0f);
            assertThat(edited.max().getFloat()).isLessThanOrEqualTo(1f);
            NDArray again = editor.edit(shifts, image, "a photo of a dog", "a photo of a cat", s, m);
            assertThat(again.toFloatArray()).containsExactly(edited.toFloatArray());

            assertThat(sd.unet().forward(probe, m.create(new long[]{500}), ehs).toFloatArray())
                    .as("the base model is restored").containsExactly(before);
        }
    }
}
