package dev.likeness.metrics.preprocess;

import dev.likeness.engine.io.SafeTensorsFile;
import dev.likeness.metrics.GoldenEval;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Every uint8 stage and every pixel_values element must match transformers + Pillow 9.4 bit for bit. */
class ImageProcessorGoldenTest {

    private static SafeTensorsFile clip;
    private static SafeTensorsFile dino;

    @BeforeAll
    static void open() {
        clip = GoldenEval.clip();
        dino = GoldenEval.dino();
    }

    @AfterAll
    static void close() throws IOException {
        clip.close();
        dino.close();
    }

    private static void assertImage(RgbImage actual, SafeTensorsFile f, String name) {
        long[] shape = GoldenEval.shape(f, name);
        assertThat(new long[]{actual.height(), actual.width(), 3}).as(name + " shape").isEqualTo(shape);
        byte[] expected = GoldenEval.bytes(f, name);
        byte[] got = actual.toBytes();
        int mismatches = 0;
        for (int i = 0; i < got.length; i++) {
            if (got[i] != expected[i]) {
                mismatches++;
            }
        }
        assertThat(mismatches).as(name + " differing bytes").isZero();
    }

    private static void assertBitExact(float[] got, float[] expected, String what) {
        assertThat(got.length).isEqualTo(expected.length);
        for (int i = 0; i < got.length; i++) {
            if (Float.floatToRawIntBits(got[i]) != Float.floatToRawIntBits(expected[i])) {
                throw new AssertionError(what + "[" + i + "] = " + got[i] + ", expected " + expected[i]);
            }
        }
    }

    @Test
    void decodesThePngsExactly() throws IOException {
        for (int i = 0; i < 4; i++) {
            RgbImage img = ImageDecoder.decode(GoldenEval.image(i));
            assertImage(img, clip, "image.rgb." + i);
        }
    }

    @Test
    void clipStagesAreBitExact() throws IOException {
        ImageProcessor p = ImageProcessor.load(GoldenEval.clipModel());
        float[] expected = GoldenEval.floats(clip, "pixel_values");
        int per = 3 * 32 * 32;
        for (int i = 0; i < 4; i++) {
            RgbImage img = ImageDecoder.decode(GoldenEval.image(i));
            RgbImage resized = p.resize(img);
            assertImage(resized, clip, "pre.resized_u8." + i);
            RgbImage cropped = p.centerCrop(resized);
            assertImage(cropped, clip, "pre.cropped_u8." + i);
            assertBitExact(p.pixelValues(img), Arrays.copyOfRange(expected, i * per, (i + 1) * per),
                    "clip pixel_values image " + i);
        }
    }

    @Test
    void dinoStagesAreBitExactForBothNormalisations() throws IOException {
        ImageProcessor p = ImageProcessor.load(GoldenEval.dinoModel());
        ImageProcessor hub = p.withNormalization(new float[]{0.5f, 0.5f, 0.5f}, new float[]{0.5f, 0.5f, 0.5f});
        float[] expected = GoldenEval.floats(dino, "pixel_values");
        float[] expectedHub = GoldenEval.floats(dino, "hubnorm.pixel_values");
        int per = 3 * 32 * 32;
        for (int i = 0; i < 4; i++) {
            RgbImage img = ImageDecoder.decode(GoldenEval.image(i));
            assertImage(p.resize(img), dino, "pre.resized_u8." + i);
            assertBitExact(p.pixelValues(img), Arrays.copyOfRange(expected, i * per, (i + 1) * per),
                    "dino pixel_values image " + i);
            assertBitExact(hub.pixelValues(img), Arrays.copyOfRange(expectedHub, i * per, (i + 1) * per),
                    "dino hubnorm pixel_values image " + i);
        }
    }

    @Test
    void floatShortcutInRescaleWouldNotBeExact() {
        // guards the double-precision rescale: u8 * (1f/255f) is 1 ulp off for some values
        int off = 0;
        for (int u = 0; u < 256; u++) {
            if ((float) (u * 0.00392156862745098) != u * (1f / 255f)) {
                off++;
            }
        }
        assertThat(off).isPositive();
    }
}
