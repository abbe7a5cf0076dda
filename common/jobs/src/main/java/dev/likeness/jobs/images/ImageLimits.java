package dev.likeness.jobs.images;

/**
 * Size limits for input images.
 *
 * @param maxBytes  largest accepted file
 * @param maxPixels largest accepted width × height
 */
public record ImageLimits(long maxBytes, long maxPixels) {

    /** 20 MiB and 40 megapixels. */
    public static final ImageLimits DEFAULT = new ImageLimits(20L << 20, 40_000_000L);

    public ImageLimits {
        if (maxBytes < 1 || maxPixels < 1) {
            throw new IllegalArgumentException("image limits must be positive, got " + maxBytes + " bytes, "
                    + maxPixels + " pixels");
        }
    }
}
