package dev.likeness.metrics.encoder;

import dev.likeness.metrics.preprocess.ImageProcessor;
import dev.likeness.metrics.preprocess.RgbImage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** DINO embeddings (ViT CLS after the final LayerNorm) from a Hugging Face ViT folder. */
public final class DinoEmbedder implements ImageEmbedder {

    private final DinoVit model;
    private final ImageProcessor processor;
    private final int batchSize;
    private final EncoderInfo info;

    private DinoEmbedder(DinoVit model, ImageProcessor processor, int batchSize, EncoderInfo info) {
        this.model = model;
        this.processor = processor;
        this.batchSize = batchSize;
        this.info = info;
    }

    /**
     * @param folder          {@code config.json}, {@code model.safetensors}, {@code preprocessor_config.json}
     * @param markedUntrained the caller knows the weights are random (ORed with {@code likeness_untrained})
     */
    public static DinoEmbedder load(Path folder, int batchSize, boolean markedUntrained) throws IOException {
        return load(folder, batchSize, markedUntrained, null);
    }

    /**
     * As {@link #load(Path, int, boolean)}, with the processor replaced (e.g. another normalisation); {@code null}
     * keeps the folder's.
     */
    public static DinoEmbedder load(Path folder, int batchSize, boolean markedUntrained, ImageProcessor processor)
            throws IOException {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        ImageProcessor p = processor != null ? processor : ImageProcessor.load(folder);
        DinoVit model = DinoVit.load(folder);
        EncoderInfo info = new EncoderInfo("dino", folder.toString(), model.config().hidden(), p.toString(),
                markedUntrained || model.config().untrained());
        return new DinoEmbedder(model, p, batchSize, info);
    }

    @Override
    public EncoderInfo info() {
        return info;
    }

    public ImageProcessor processor() {
        return processor;
    }

    /** CLS embeddings, one row {@code [hidden]} per image. */
    @Override
    public float[][] embed(List<RgbImage> images) {
        return Batches.embed(images, processor, batchSize, model::cls);
    }

    @Override
    public void close() {
        model.close();
    }
}
