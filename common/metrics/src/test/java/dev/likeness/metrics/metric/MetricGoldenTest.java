package dev.likeness.metrics.metric;

import dev.likeness.engine.io.SafeTensorsFile;
import dev.likeness.metrics.GoldenEval;
import dev.likeness.metrics.encoder.ClipEmbedder;
import dev.likeness.metrics.encoder.DinoEmbedder;
import dev.likeness.metrics.preprocess.ImageDecoder;
import dev.likeness.metrics.preprocess.RgbImage;
import dev.likeness.metrics.protocol.EvaluationProtocol.EvalPrompt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The full path PNG → preprocessing → embeddings → cosines → metrics against transformers' numbers
 * (metric.clip_i = 0.595653772, clip_t = −0.0317020342, dino = 0.736465335, dino_hubnorm = 0.867808163).
 */
class MetricGoldenTest {

    private static final double TOL = 1e-5;
    private static final List<String> PROMPTS = List.of("a photo of sks dog", "a sks dog in the jungle, digital art!",
            "");

    private static SafeTensorsFile clipGolden;
    private static SafeTensorsFile dinoGolden;
    private static ClipEmbedder clip;
    private static DinoEmbedder dino;
    private static DinoEmbedder dinoHub;
    private static List<RgbImage> images;

    @BeforeAll
    static void load() throws IOException {
        clipGolden = GoldenEval.clip();
        dinoGolden = GoldenEval.dino();
        clip = ClipEmbedder.load(GoldenEval.clipModel(), 3, false);
        dino = DinoEmbedder.load(GoldenEval.dinoModel(), 3, false);
        float[] half = {0.5f, 0.5f, 0.5f};
        dinoHub = DinoEmbedder.load(GoldenEval.dinoModel(), 8, false,
                dino.processor().withNormalization(half, half));
        images = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            images.add(ImageDecoder.decode(GoldenEval.image(i)));
        }
    }

    @AfterAll
    static void close() throws IOException {
        clip.close();
        dino.close();
        dinoHub.close();
        clipGolden.close();
        dinoGolden.close();
    }

    private static float[][] rows(float[] flat, int n) {
        int d = flat.length / n;
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            out[i] = Arrays.copyOfRange(flat, i * d, (i + 1) * d);
        }
        return out;
    }

    private static double maxDiff(double[][] m, float[] golden) {
        double max = 0;
        int cols = m[0].length;
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, Math.abs(m[i][j] - golden[i * cols + j]));
            }
        }
        return max;
    }

    private static double scalar(SafeTensorsFile f, String name) {
        return GoldenEval.floats(f, name)[0];
    }

    private static float[][] unit(float[][] rows) {
        float[][] out = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            double n = 0;
            for (float v : rows[i]) {
                n += (double) v * v;
            }
            out[i] = new float[rows[i].length];
            for (int k = 0; k < rows[i].length; k++) {
                out[i][k] = (float) (rows[i][k] / Math.sqrt(n));
            }
        }
        return out;
    }

    private static double maxDiff(float[][] rows, float[] golden) {
        float[] flat = new float[golden.length];
        int d = rows[0].length;
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * d, d);
        }
        return GoldenEval.maxAbsDiff(flat, golden);
    }

    @Test
    void metricMathOnStoredEmbeddings() {
        float[][] img = rows(GoldenEval.floats(clipGolden, "image_embeds"), 4);
        float[][] txt = rows(GoldenEval.floats(clipGolden, "text_embeds"), 3);
        assertThat(maxDiff(Similarity.matrix(img, img), GoldenEval.floats(clipGolden, "cos_image_image")))
                .isLessThanOrEqualTo(TOL);
        assertThat(maxDiff(Similarity.matrix(img, txt), GoldenEval.floats(clipGolden, "cos_image_text")))
                .isLessThanOrEqualTo(TOL);
        float[][] gen = {img[0], img[1]};
        float[][] real = {img[2], img[3]};
        assertThat(Similarity.meanOverPairs(gen, real)).isCloseTo(0.595653772, within(TOL));
        double clipT = (Similarity.cosine(img[0], txt[0]) + Similarity.cosine(img[1], txt[1])) / 2;
        assertThat(clipT).isCloseTo(-0.0317020342, within(TOL));
        float[][] cls = rows(GoldenEval.floats(dinoGolden, "cls"), 4);
        assertThat(Similarity.meanOverPairs(new float[][]{cls[0], cls[1]}, new float[][]{cls[2], cls[3]}))
                .isCloseTo(scalar(dinoGolden, "metric.dino"), within(TOL));
    }

    @Test
    void pngToClipEmbeddingsAndMetrics() {
        float[][] emb = clip.embed(images); // batch 3: two batches, exercises the batching
        double embDiff = maxDiff(emb, GoldenEval.floats(clipGolden, "image_embeds"));
        double normDiff = maxDiff(unit(emb), GoldenEval.floats(clipGolden, "image_embeds_norm"));
        float[][] txtFromIds = clip.embedTokenIds(idRows());
        float[][] txtFromStrings = clip.embedTexts(PROMPTS);
        double txtDiff = maxDiff(txtFromIds, GoldenEval.floats(clipGolden, "text_embeds"));
        double txtTokDiff = maxDiff(txtFromStrings, GoldenEval.floats(clipGolden, "text_embeds"));
        double cosII = maxDiff(Similarity.matrix(emb, emb), GoldenEval.floats(clipGolden, "cos_image_image"));
        double cosIT = maxDiff(Similarity.matrix(emb, txtFromStrings),
                GoldenEval.floats(clipGolden, "cos_image_text"));
        double clipI = Similarity.meanOverPairs(new float[][]{emb[0], emb[1]}, new float[][]{emb[2], emb[3]});
        double clipT = (Similarity.cosine(emb[0], txtFromStrings[0]) + Similarity.cosine(emb[1], txtFromStrings[1]))
                / 2;
        System.out.printf("[tolerance] clip image_embeds %.2e, norm %.2e, text_embeds %.2e (tokenizer %.2e), "
                        + "cos_ii %.2e, cos_it %.2e, clip_i %.2e, clip_t %.2e%n", embDiff, normDiff, txtDiff,
                txtTokDiff, cosII, cosIT, Math.abs(clipI - 0.595653772), Math.abs(clipT + 0.0317020342));
        assertThat(embDiff).isLessThanOrEqualTo(TOL);
        assertThat(normDiff).isLessThanOrEqualTo(TOL);
        assertThat(txtDiff).isLessThanOrEqualTo(TOL);
        assertThat(txtTokDiff).isLessThanOrEqualTo(TOL);
        assertThat(cosII).isLessThanOrEqualTo(TOL);
        assertThat(cosIT).isLessThanOrEqualTo(TOL);
        assertThat(clipI).isCloseTo(scalar(clipGolden, "metric.clip_i"), within(TOL));
        assertThat(clipT).isCloseTo(scalar(clipGolden, "metric.clip_t"), within(TOL));
    }

    private static long[][] idRows() {
        long[] ids = GoldenEval.longs(clipGolden, "input_ids");
        long[][] out = new long[3][];
        for (int i = 0; i < 3; i++) {
            out[i] = Arrays.copyOfRange(ids, i * 77, (i + 1) * 77);
        }
        return out;
    }

    @Test
    void pngToDinoEmbeddingsAndMetrics() {
        float[][] cls = dino.embed(images);
        float[][] hub = dinoHub.embed(images);
        double clsDiff = maxDiff(cls, GoldenEval.floats(dinoGolden, "cls"));
        double normDiff = maxDiff(unit(cls), GoldenEval.floats(dinoGolden, "cls_norm"));
        double cosDiff = maxDiff(Similarity.matrix(cls, cls), GoldenEval.floats(dinoGolden, "cos"));
        double hubCos = maxDiff(Similarity.matrix(hub, hub), GoldenEval.floats(dinoGolden, "hubnorm.cos"));
        double m = Similarity.meanOverPairs(new float[][]{cls[0], cls[1]}, new float[][]{cls[2], cls[3]});
        double mh = Similarity.meanOverPairs(new float[][]{hub[0], hub[1]}, new float[][]{hub[2], hub[3]});
        System.out.printf("[tolerance] dino cls %.2e, norm %.2e, cos %.2e, hubnorm cos %.2e, dino %.2e, "
                        + "dino_hubnorm %.2e%n", clsDiff, normDiff, cosDiff, hubCos, Math.abs(m - 0.736465335),
                Math.abs(mh - 0.867808163));
        assertThat(clsDiff).isLessThanOrEqualTo(TOL);
        assertThat(normDiff).isLessThanOrEqualTo(TOL);
        assertThat(cosDiff).isLessThanOrEqualTo(TOL);
        assertThat(hubCos).isLessThanOrEqualTo(TOL);
        assertThat(m).isCloseTo(0.736465335, within(TOL));
        assertThat(mh).isCloseTo(0.867808163, within(TOL));
    }

    @Test
    void evaluatorReproducesTheWorkedExample() {
        List<EvalPrompt> prompts = List.of(new EvalPrompt(0, "", "p0", PROMPTS.get(0), List.of(0L)),
                new EvalPrompt(1, "", "p1", PROMPTS.get(1), List.of(0L)));
        List<GeneratedImage> gen = List.of(new GeneratedImage(0, 0, images.get(0)),
                new GeneratedImage(1, 0, images.get(1)));
        EvaluationResult r = new DreamBoothEvaluator(dino, clip, null)
                .evaluate(prompts, List.of(images.get(2), images.get(3)), gen, List.of(images.get(0)));
        assertThat(r.overall().get(Metric.CLIP_I).mean()).isCloseTo(0.595653772, within(TOL));
        assertThat(r.overall().get(Metric.CLIP_T).mean()).isCloseTo(-0.0317020342, within(TOL));
        assertThat(r.overall().get(Metric.DINO).mean()).isCloseTo(0.736465335, within(TOL));
        assertThat(r.overall().get(Metric.DINO).count()).isEqualTo(2);
        // PRES with image 0 as the only class image = its mean DINO cosine to the real images
        float[][] cls = rows(GoldenEval.floats(dinoGolden, "cos"), 4);
        assertThat(r.overall().get(Metric.PRES).mean()).isCloseTo((cls[0][2] + cls[0][3]) / 2.0, within(TOL));
        assertThat(r.perPrompt()).hasSize(2);
        assertThat(r.perPrompt().get(0).metrics().get(Metric.CLIP_T).mean())
                .isCloseTo(GoldenEval.floats(clipGolden, "cos_image_text")[0], within(TOL));
        assertThat(r.overall().get(Metric.DIV).count()).isZero(); // one image per prompt: no pairs
        assertThat(r.diversityMethod()).isEqualTo(DreamBoothEvaluator.DIV_DINO);
    }
}
