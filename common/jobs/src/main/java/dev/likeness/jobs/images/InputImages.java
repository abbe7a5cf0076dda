package dev.likeness.jobs.images;

import dev.likeness.contracts.events.ErrorCode;
import dev.likeness.jobs.stage.StageFailure;
import dev.likeness.objectstore.ObjectKey;
import dev.likeness.objectstore.ObjectNotFoundException;
import dev.likeness.objectstore.ObjectStat;
import dev.likeness.objectstore.ObjectStore;
import dev.likeness.objectstore.ObjectUri;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Fetches and checks input images from the object store, failing with the error code a user can act on:
 * {@code MISSING_IMAGE} (no such object), {@code IMAGE_TOO_LARGE} (over {@link ImageLimits}), {@code CORRUPT_IMAGE}
 * (not a decodable PNG/JPEG/BMP/GIF).
 */
public final class InputImages {

    private final ObjectStore store;
    private final ImageLimits limits;

    public InputImages(ObjectStore store, ImageLimits limits) {
        this.store = store;
        this.limits = limits;
    }

    /** Checks that the object exists and is not too large (no download). */
    public ObjectStat checkExists(String uri) {
        ObjectKey key = keyOf(uri);
        ObjectStat stat;
        try {
            stat = store.stat(key);
        } catch (ObjectNotFoundException e) {
            throw new StageFailure(ErrorCode.MISSING_IMAGE, "image " + uri + " does not exist");
        }
        if (stat.size() > limits.maxBytes()) {
            throw new StageFailure(ErrorCode.IMAGE_TOO_LARGE, "image " + uri + " has " + stat.size()
                    + " bytes; the limit is " + limits.maxBytes());
        }
        return stat;
    }

    /**
     * Downloads each image into {@code dir} as {@code <index>-<name>} (order kept) and checks it fully.
     *
     * @return the local files, in the order of {@code uris}
     */
    public List<Path> download(List<String> uris, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> out = new ArrayList<>(uris.size());
        for (int i = 0; i < uris.size(); i++) {
            String uri = uris.get(i);
            checkExists(uri);
            ObjectKey key = keyOf(uri);
            Path file = dir.resolve(String.format("%05d-%s", i, key.name()));
            try {
                store.get(key, file);
            } catch (ObjectNotFoundException e) {
                throw new StageFailure(ErrorCode.MISSING_IMAGE, "image " + uri + " does not exist");
            }
            check(uri, file);
            out.add(file);
        }
        return out;
    }

    /** Checks a local copy of {@code uri}: decodable and within the limits. */
    public void check(String uri, Path file) throws IOException {
        long size = Files.size(file);
        if (size > limits.maxBytes()) {
            throw new StageFailure(ErrorCode.IMAGE_TOO_LARGE, "image " + uri + " has " + size + " bytes; the limit is "
                    + limits.maxBytes());
        }
        // dimensions from the header first, so a huge image is refused before it is decoded
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new StageFailure(ErrorCode.CORRUPT_IMAGE, "image " + uri
                        + " is not a PNG, JPEG, BMP or GIF image");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > limits.maxPixels()) {
                    throw new StageFailure(ErrorCode.IMAGE_TOO_LARGE, "image " + uri + " is " + reader.getWidth(0)
                            + "x" + reader.getHeight(0) + " = " + pixels + " pixels; the limit is "
                            + limits.maxPixels());
                }
            } catch (IOException | RuntimeException e) {
                if (e instanceof StageFailure f) {
                    throw f;
                }
                throw new StageFailure(ErrorCode.CORRUPT_IMAGE, "image " + uri + " cannot be read: " + e.getMessage(),
                        e);
            } finally {
                reader.dispose();
            }
        }
        BufferedImage decoded;
        try {
            decoded = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new StageFailure(ErrorCode.CORRUPT_IMAGE, "image " + uri + " cannot be decoded: " + e.getMessage(), e);
        }
        if (decoded == null) {
            throw new StageFailure(ErrorCode.CORRUPT_IMAGE, "image " + uri + " cannot be decoded");
        }
    }

    private ObjectKey keyOf(String uri) {
        try {
            return store.keyOf(ObjectUri.parse(uri));
        } catch (IllegalArgumentException e) {
            throw new StageFailure(ErrorCode.INVALID_PARAMETER, "image URI " + uri + " is not usable: "
                    + e.getMessage(), e);
        }
    }
}
