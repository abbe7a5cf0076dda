package dev.likeness.metrics.preprocess;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The image half of a Hugging Face processor, reproduced bit for bit from {@code preprocessor_config.json}: Pillow
 * resize on uint8, optional centre crop, rescale and normalise in float32, HWC to CHW.
 *
 * <ul>
 *   <li>{@code CLIPImageProcessor} ({@code size.shortest_edge}): short side to the size, long side
 *       {@code int(size * long / short)} (truncated), then a centre crop with floor offsets.</li>
 *   <li>{@code ViTImageProcessor} ({@code size.height/width}): resize straight to the size, no crop.</li>
 * </ul>
 * Old-style configs ({@code feature_extractor_type}, integer {@code size}/{@code crop_size}) are read the way
 * transformers reads them.
 */
public final class ImageProcessor {

    /** How {@code size} is interpreted. */
    public enum ResizeMode { SHORTEST_EDGE, EXACT }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String type;
    private final boolean doResize;
    private final ResizeMode resizeMode;
    private final int sizeHeight;
    private final int sizeWidth;
    private final ResampleFilter filter;
    private final boolean doCenterCrop;
    private final int cropHeight;
    private final int cropWidth;
    private final boolean doRescale;
    private final double rescaleFactor;
    private final boolean doNormalize;
    private final float[] mean;
    private final float[] std;

    private ImageProcessor(String type, boolean doResize, ResizeMode resizeMode, int sizeHeight, int sizeWidth,
                           ResampleFilter filter, boolean doCenterCrop, int cropHeight, int cropWidth,
                           boolean doRescale, double rescaleFactor, boolean doNormalize, float[] mean, float[] std) {
        this.type = type;
        this.doResize = doResize;
        this.resizeMode = resizeMode;
        this.sizeHeight = sizeHeight;
        this.sizeWidth = sizeWidth;
        this.filter = filter;
        this.doCenterCrop = doCenterCrop;
        this.cropHeight = cropHeight;
        this.cropWidth = cropWidth;
        this.doRescale = doRescale;
        this.rescaleFactor = rescaleFactor;
        this.doNormalize = doNormalize;
        this.mean = mean;
        this.std = std;
    }

    /** Reads {@code preprocessor_config.json} from a model folder, or the given JSON file. */
    public static ImageProcessor load(Path folderOrFile) throws IOException {
        Path file = Files.isDirectory(folderOrFile) ? folderOrFile.resolve("preprocessor_config.json") : folderOrFile;
        if (!Files.isRegularFile(file)) {
            throw new IOException("no preprocessor_config.json at " + file);
        }
        try {
            return fromJson(JSON.readTree(file.toFile()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Builds a processor from the parsed config. */
    public static ImageProcessor fromJson(JsonNode c) {
        String type = text(c, "image_processor_type", text(c, "feature_extractor_type", ""));
        boolean clip = type.startsWith("CLIP");
        boolean vit = type.startsWith("ViT");
        if (!clip && !vit) {
            throw new IllegalArgumentException("unsupported image processor type '" + type
                    + "' (CLIPImageProcessor or ViTImageProcessor expected)");
        }
        JsonNode size = c.get("size");
        if (size == null) {
            throw new IllegalArgumentException("'size' is missing");
        }
        ResizeMode mode;
        int sh;
        int sw;
        if (size.isInt()) {
            // transformers: an int means shortest edge for CLIP (default_to_square=False), a square for ViT
            mode = clip ? ResizeMode.SHORTEST_EDGE : ResizeMode.EXACT;
            sh = size.asInt();
            sw = size.asInt();
        } else if (size.has("shortest_edge")) {
            mode = ResizeMode.SHORTEST_EDGE;
            sh = size.get("shortest_edge").asInt();
            sw = sh;
        } else if (size.has("height") && size.has("width")) {
            mode = ResizeMode.EXACT;
            sh = size.get("height").asInt();
            sw = size.get("width").asInt();
        } else {
            throw new IllegalArgumentException("'size' must be an int, {shortest_edge} or {height, width}: " + size);
        }
        boolean doCrop = clip && c.path("do_center_crop").asBoolean(true);
        int ch = 0;
        int cw = 0;
        if (doCrop) {
            JsonNode crop = c.get("crop_size");
            if (crop == null) {
                throw new IllegalArgumentException("'crop_size' is missing while do_center_crop is true");
            }
            ch = crop.isInt() ? crop.asInt() : crop.get("height").asInt();
            cw = crop.isInt() ? crop.asInt() : crop.get("width").asInt();
        }
        // transformers' defaults: CLIP resamples BICUBIC, ViT BILINEAR
        int resample = c.path("resample").asInt(clip ? 3 : 2);
        float[] mean = floats(c, "image_mean");
        float[] std = floats(c, "image_std");
        return new ImageProcessor(type, c.path("do_resize").asBoolean(true), mode, sh, sw,
                ResampleFilter.fromPillowId(resample), doCrop, ch, cw, c.path("do_rescale").asBoolean(true),
                c.path("rescale_factor").asDouble(1.0 / 255.0), c.path("do_normalize").asBoolean(true), mean, std);
    }

    private static String text(JsonNode c, String field, String fallback) {
        JsonNode n = c.get(field);
        return n == null || n.isNull() ? fallback : n.asText();
    }

    private static float[] floats(JsonNode c, String field) {
        JsonNode n = c.get(field);
        if (n == null || !n.isArray() || n.size() != 3) {
            throw new IllegalArgumentException("'" + field + "' must be an array of 3 numbers");
        }
        // numpy casts the double config values to float32 before the float32 arithmetic
        return new float[]{(float) n.get(0).asDouble(), (float) n.get(1).asDouble(), (float) n.get(2).asDouble()};
    }

    /** The {@code image_processor_type} (or {@code feature_extractor_type}) named in the config. */
    public String type() {
        return type;
    }

    /** Height of the network input ({@code [3, outputHeight, outputWidth]}). */
    public int outputHeight() {
        return doCenterCrop ? cropHeight : sizeHeight;
    }

    public int outputWidth() {
        return doCenterCrop ? cropWidth : sizeWidth;
    }

    /** A copy with another mean/std (e.g. DINO's ImageNet statistics versus the hub config's 0.5). */
    public ImageProcessor withNormalization(float[] newMean, float[] newStd) {
        if (newMean.length != 3 || newStd.length != 3) {
            throw new IllegalArgumentException("mean and std need 3 values each");
        }
        return new ImageProcessor(type, doResize, resizeMode, sizeHeight, sizeWidth, filter, doCenterCrop, cropHeight,
                cropWidth, doRescale, rescaleFactor, doNormalize, newMean.clone(), newStd.clone());
    }

    /** Step 1: the uint8 resize (returns the input when resizing is off or the size already matches). */
    public RgbImage resize(RgbImage image) {
        if (!doResize) {
            return image;
        }
        int outW;
        int outH;
        if (resizeMode == ResizeMode.EXACT) {
            outW = sizeWidth;
            outH = sizeHeight;
        } else {
            int w = image.width();
            int h = image.height();
            int shortSide = Math.min(w, h);
            int longSide = Math.max(w, h);
            // Python int(size * long / short): true division, then truncation
            int newLong = (int) ((double) ((long) sizeHeight * longSide) / shortSide);
            if (w <= h) {
                outW = sizeHeight;
                outH = newLong;
            } else {
                outW = newLong;
                outH = sizeHeight;
            }
        }
        if (outW == image.width() && outH == image.height()) {
            return image;
        }
        return PillowResampler.resize(image, outW, outH, filter);
    }

    /** Step 2: the centre crop with floor offsets (identity when the config has no crop). */
    public RgbImage centerCrop(RgbImage image) {
        if (!doCenterCrop) {
            return image;
        }
        if (image.width() < cropWidth || image.height() < cropHeight) {
            throw new IllegalArgumentException("image " + image.width() + "x" + image.height()
                    + " is smaller than the crop " + cropWidth + "x" + cropHeight);
        }
        return image.crop((image.width() - cropWidth) / 2, (image.height() - cropHeight) / 2, cropWidth, cropHeight);
    }

    /**
     * Step 3: rescale and normalise a uint8 image into {@code [3, height, width]} float32 values (channel-first,
     * flattened).
     */
    public float[] normalize(RgbImage image) {
        int w = image.width();
        int h = image.height();
        float[] out = new float[3 * h * w];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int u8 = image.get(x, y, c);
                    // product in double, then cast: (float)(u8 * 0.0039...) differs from u8 * (1f/255f)
                    float v = doRescale ? (float) (u8 * rescaleFactor) : (float) u8;
                    if (doNormalize) {
                        v = (v - mean[c]) / std[c];
                    }
                    out[(c * h + y) * w + x] = v;
                }
            }
        }
        return out;
    }

    /** The full pipeline: {@code [3, outputHeight, outputWidth]} float32, channel-first, flattened. */
    public float[] pixelValues(RgbImage image) {
        RgbImage ready = centerCrop(resize(image));
        if (ready.width() != outputWidth() || ready.height() != outputHeight()) {
            throw new IllegalStateException("preprocessed image is " + ready.width() + "x" + ready.height()
                    + ", expected " + outputWidth() + "x" + outputHeight());
        }
        return normalize(ready);
    }

    @Override
    public String toString() {
        return type + "[" + resizeMode + " " + sizeHeight + "x" + sizeWidth + ", " + filter
                + (doCenterCrop ? ", crop " + cropHeight + "x" + cropWidth : "") + "]";
    }
}
