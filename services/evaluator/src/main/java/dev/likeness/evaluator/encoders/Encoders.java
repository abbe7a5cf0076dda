package dev.likeness.evaluator.encoders;

import dev.likeness.jobs.models.BaseModels;
import dev.likeness.metrics.encoder.ClipEmbedder;
import dev.likeness.metrics.encoder.DinoEmbedder;
import dev.likeness.objectstore.ObjectKey;
import dev.likeness.objectstore.ObjectStore;
import dev.likeness.objectstore.ObjectUri;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The CLIP and DINO encoders the metrics use, loaded once per service instance. Each is configured as a local
 * folder or an {@code s3://} folder (downloaded once into the cache); when none is configured, a tiny random encoder
 * is generated ({@link RandomEncoders}) and the report says the numbers carry no meaning.
 */
public final class Encoders implements AutoCloseable {

    private final ClipEmbedder clip;
    private final DinoEmbedder dino;

    private Encoders(ClipEmbedder clip, DinoEmbedder dino) {
        this.clip = clip;
        this.dino = dino;
    }

    /**
     * @param clipFolder local path or {@code s3://} folder of a Hugging Face CLIP model; empty = random tiny CLIP
     * @param dinoFolder the same for a ViT (DINO) model
     * @param cacheDir   where downloaded and generated encoders are kept
     * @param seed       seed of the random encoders
     * @param batchSize  images per forward pass
     */
    public static Encoders load(ObjectStore store, Optional<String> clipFolder, Optional<String> dinoFolder,
                                Path cacheDir, long seed, int batchSize) throws IOException {
        Path dir = Files.createDirectories(cacheDir.resolve("encoders"));
        Path clipPath = clipFolder.isPresent() ? local(store, clipFolder.get(), dir) : RandomEncoders.clip(dir, seed);
        Path dinoPath = dinoFolder.isPresent() ? local(store, dinoFolder.get(), dir)
                : RandomEncoders.dino(dir, seed + 1);
        ClipEmbedder clip = ClipEmbedder.load(clipPath, batchSize, false);
        try {
            return new Encoders(clip, DinoEmbedder.load(dinoPath, batchSize, false));
        } catch (IOException | RuntimeException e) {
            clip.close();
            throw e;
        }
    }

    public ClipEmbedder clip() {
        return clip;
    }

    public DinoEmbedder dino() {
        return dino;
    }

    /** Whether any encoder has random weights. */
    public boolean untrained() {
        return clip.info().untrained() || dino.info().untrained();
    }

    private static Path local(ObjectStore store, String location, Path dir) throws IOException {
        if (!location.startsWith("s3://")) {
            Path p = Path.of(location);
            if (!Files.isRegularFile(p.resolve("config.json"))) {
                throw new IOException("encoder folder " + p + " has no config.json");
            }
            return p;
        }
        String folder = location.endsWith("/") ? location : location + "/";
        ObjectKey prefix = store.keyOf(ObjectUri.parse(folder));
        Path target = dir.resolve("s3-" + BaseModels.sha256(folder).substring(0, 16));
        if (!Files.isRegularFile(target.resolve("config.json"))) {
            if (store.downloadFolder(prefix, target) == 0) {
                throw new IOException("encoder folder " + folder + " is empty");
            }
        }
        return target;
    }

    @Override
    public void close() {
        clip.close();
        dino.close();
    }
}
