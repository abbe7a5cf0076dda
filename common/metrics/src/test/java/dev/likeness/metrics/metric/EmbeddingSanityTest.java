package dev.likeness.metrics.metric;

import dev.likeness.metrics.GoldenEval;
import dev.likeness.metrics.encoder.ClipEmbedder;
import dev.likeness.metrics.encoder.DinoEmbedder;
import dev.likeness.metrics.encoder.ImageEmbedder;
import dev.likeness.metrics.preprocess.ImageDecoder;
import dev.likeness.metrics.preprocess.RgbImage;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The similarities come from real embeddings: identical images score 1, altered images score lower. */
class EmbeddingSanityTest {

    private static RgbImage inverted(RgbImage img) {
        byte[] b = img.toBytes();
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (255 - (b[i] & 0xFF));
        }
        return new RgbImage(img.width(), img.height(), b);
    }

    private static RgbImage noisy(RgbImage img, long seed) {
        byte[] b = img.toBytes();
        Random r = new Random(seed);
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Math.max(0, Math.min(255, (b[i] & 0xFF) + (int) (r.nextGaussian() * 60)));
        }
        return new RgbImage(img.width(), img.height(), b);
    }

    private static void check(ImageEmbedder e, RgbImage img) {
        float[][] emb = e.embed(List.of(img, img, inverted(img), noisy(img, 7)));
        double same = Similarity.cosine(emb[0], emb[1]);
        double inv = Similarity.cosine(emb[0], emb[2]);
        double noise = Similarity.cosine(emb[0], emb[3]);
        assertThat(same).as(e.info().kind() + " identical").isCloseTo(1.0, within(1e-5));
        assertThat(inv).as(e.info().kind() + " inverted").isLessThan(same - 1e-3);
        assertThat(noise).as(e.info().kind() + " noisy").isLessThan(same - 1e-4);
    }

    @Test
    void identicalImagesScoreOneAndAlteredOnesLower() throws IOException {
        RgbImage img = ImageDecoder.decode(GoldenEval.image(1));
        try (ClipEmbedder clip = ClipEmbedder.load(GoldenEval.clipModel(), 4, true);
             DinoEmbedder dino = DinoEmbedder.load(GoldenEval.dinoModel(), 4, true)) {
            check(clip, img);
            check(dino, img);
            assertThat(clip.info().untrained()).isTrue();
        }
    }
}
