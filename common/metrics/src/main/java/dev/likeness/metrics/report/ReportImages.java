package dev.likeness.metrics.report;

import dev.likeness.metrics.metric.GeneratedImage;
import dev.likeness.metrics.preprocess.RgbImage;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The images shown in the report, written as PNG files under {@code images/} next to the page. */
public final class ReportImages {

    /** One written image: path relative to the report folder, role {@code real}/{@code generated}/{@code class}. */
    public record Entry(String path, String role, int promptIndex, long seed) {
    }

    private ReportImages() {
    }

    static List<Entry> write(Path dir, List<RgbImage> real, List<GeneratedImage> generated, List<RgbImage> classImages)
            throws IOException {
        Files.createDirectories(dir.resolve("images"));
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < real.size(); i++) {
            String name = "images/real_" + i + ".png";
            png(real.get(i), dir.resolve(name));
            out.add(new Entry(name, "real", -1, 0));
        }
        for (int i = 0; i < generated.size(); i++) {
            GeneratedImage g = generated.get(i);
            String name = "images/gen_p" + g.promptIndex() + "_s" + g.seed() + "_" + i + ".png";
            png(g.image(), dir.resolve(name));
            out.add(new Entry(name, "generated", g.promptIndex(), g.seed()));
        }
        for (int i = 0; i < classImages.size(); i++) {
            String name = "images/class_" + i + ".png";
            png(classImages.get(i), dir.resolve(name));
            out.add(new Entry(name, "class", -1, 0));
        }
        return out;
    }

    /** Encodes an RGB image as PNG. */
    public static void png(RgbImage img, Path file) throws IOException {
        BufferedImage b = new BufferedImage(img.width(), img.height(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.height(); y++) {
            for (int x = 0; x < img.width(); x++) {
                b.setRGB(x, y, (img.get(x, y, 0) << 16) | (img.get(x, y, 1) << 8) | img.get(x, y, 2));
            }
        }
        if (!ImageIO.write(b, "png", file.toFile())) {
            throw new IOException("no PNG writer available for " + file);
        }
    }
}
