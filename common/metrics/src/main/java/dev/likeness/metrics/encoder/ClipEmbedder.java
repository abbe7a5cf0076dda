package dev.likeness.metrics.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.tokenizer.ClipTokenizer;
import dev.likeness.metrics.preprocess.ImageProcessor;
import dev.likeness.metrics.preprocess.RgbImage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * CLIP image and text embeddings ({@code image_embeds}, {@code text_embeds}) from a Hugging Face CLIP folder:
 * processor, tokenizer and network together.
 */
public final class ClipEmbedder implements ImageEmbedder {

    private final ClipModel model;
    private final ImageProcessor processor;
    private final ClipTokenizer tokenizer;
    private final int batchSize;
    private final EncoderInfo info;

    private ClipEmbedder(ClipModel model, ImageProcessor processor, ClipTokenizer tokenizer, int batchSize,
                        EncoderInfo info) {
        this.model = model;
        this.processor = processor;
        this.tokenizer = tokenizer;
        this.batchSize = batchSize;
        this.info = info;
    }

    /**
     * @param folder          {@code config.json}, {@code model.safetensors}, {@code preprocessor_config.json} and
     *                        the tokenizer files ({@code vocab.json}, {@code merges.txt})
     * @param batchSize       images or prompts per forward pass
     * @param markedUntrained the caller knows the weights are random (ORed with the config's
     *                        {@code likeness_untrained})
     */
    public static ClipEmbedder load(Path folder, int batchSize, boolean markedUntrained) throws IOException {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        ImageProcessor processor = ImageProcessor.load(folder);
        ClipTokenizer tokenizer = Files.isRegularFile(folder.resolve("vocab.json")) ? ClipTokenizer.load(folder) : null;
        ClipModel model = ClipModel.load(folder);
        EncoderInfo info = new EncoderInfo("clip", folder.toString(), model.config().projectionDim(),
                processor.toString(), markedUntrained || model.config().untrained());
        return new ClipEmbedder(model, processor, tokenizer, batchSize, info);
    }

    @Override
    public EncoderInfo info() {
        return info;
    }

    public ClipModel model() {
        return model;
    }

    public ImageProcessor processor() {
        return processor;
    }

    /** {@code image_embeds}, one row {@code [projectionDim]} per image. */
    @Override
    public float[][] embed(List<RgbImage> images) {
        return Batches.embed(images, processor, batchSize, model::imageEmbeds);
    }

    /** {@code text_embeds}, one row {@code [projectionDim]} per prompt (tokenized to the model's 77 positions). */
    public float[][] embedTexts(List<String> prompts) {
        if (tokenizer == null) {
            throw new IllegalStateException("no tokenizer files (vocab.json, merges.txt) in " + info.source());
        }
        long[][] ids = new long[prompts.size()][];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = tokenizer.encode(prompts.get(i)).inputIds();
        }
        return embedTokenIds(ids);
    }

    /** {@code text_embeds} for already tokenized rows of equal length. */
    public float[][] embedTokenIds(long[][] ids) {
        float[][] out = new float[ids.length][];
        for (int start = 0; start < ids.length; start += batchSize) {
            int n = Math.min(batchSize, ids.length - start);
            int t = ids[start].length;
            long[] flat = new long[n * t];
            for (int i = 0; i < n; i++) {
                if (ids[start + i].length != t) {
                    throw new IllegalArgumentException("token rows differ in length: " + t + " vs "
                            + ids[start + i].length);
                }
                System.arraycopy(ids[start + i], 0, flat, i * t, t);
            }
            try (NDManager batch = NDManager.newBaseManager()) {
                NDArray emb = model.textEmbeds(batch.create(flat, new Shape(n, t)));
                int dim = (int) emb.getShape().get(1);
                float[] f = emb.toFloatArray();
                for (int i = 0; i < n; i++) {
                    out[start + i] = Arrays.copyOfRange(f, i * dim, (i + 1) * dim);
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        model.close();
    }
}
