package dev.likeness.metrics.preprocess;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageDecoderTest {

    private static byte[] png(BufferedImage img) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    @Test
    void greyIsReplicatedWithoutGammaConversion() throws IOException {
        BufferedImage img = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setSample(0, 0, 0, 10);
        img.getRaster().setSample(1, 0, 0, 128);
        img.getRaster().setSample(2, 0, 0, 250);
        RgbImage rgb = ImageDecoder.decode(png(img));
        assertThat(rgb.get(0, 0, 0)).isEqualTo(10);
        assertThat(rgb.get(1, 0, 1)).isEqualTo(128);
        assertThat(rgb.get(2, 0, 2)).isEqualTo(250);
    }

    @Test
    void alphaIsDroppedWithoutCompositing() throws IOException {
        BufferedImage img = new BufferedImage(1, 1, BufferedImage.TYPE_4BYTE_ABGR);
        img.getRaster().setPixel(0, 0, new int[]{200, 100, 50, 0}); // fully transparent
        RgbImage rgb = ImageDecoder.decode(png(img));
        assertThat(new int[]{rgb.get(0, 0, 0), rgb.get(0, 0, 1), rgb.get(0, 0, 2)}).containsExactly(200, 100, 50);
    }

    @Test
    void paletteEntriesAreLookedUp() throws IOException {
        IndexColorModel cm = new IndexColorModel(8, 2, new byte[]{1, (byte) 201}, new byte[]{2, (byte) 202},
                new byte[]{3, (byte) 203});
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_INDEXED, cm);
        img.getRaster().setSample(1, 0, 0, 1);
        RgbImage rgb = ImageDecoder.decode(png(img));
        assertThat(new int[]{rgb.get(1, 0, 0), rgb.get(1, 0, 1), rgb.get(1, 0, 2)}).containsExactly(201, 202, 203);
        assertThat(rgb.get(0, 0, 2)).isEqualTo(3);
    }

    @Test
    void garbageIsRejectedWithAClearMessage() {
        assertThatThrownBy(() -> ImageDecoder.decode(new byte[]{1, 2, 3}))
                .hasMessageContaining("not a readable image");
    }
}
