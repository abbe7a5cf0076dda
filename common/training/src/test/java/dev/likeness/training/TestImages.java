package dev.likeness.training;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Writes small deterministic PNG "subjects" (a coloured disc on a plain background) for training tests. */
public final class TestImages {

    private TestImages() {
    }

    public static Path write(Path folder, int count, int width, int height, long seed) throws IOException {
        Files.createDirectories(folder);
        Random r = new Random(seed);
        for (int i = 0; i < count; i++) {
            BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setColor(new Color(40 + r.nextInt(40), 90 + r.nextInt(40), 160 + r.nextInt(60)));
            g.fillRect(0, 0, width, height);
            g.setColor(new Color(200 + r.nextInt(55), 120 + r.nextInt(40), 30));
            int d = Math.min(width, height) / 2;
            g.fillOval(width / 4 + r.nextInt(4), height / 4 + r.nextInt(4), d, d);
            g.dispose();
            ImageIO.write(img, "png", folder.resolve(String.format("img%02d.png", i)).toFile());
        }
        return folder;
    }
}
