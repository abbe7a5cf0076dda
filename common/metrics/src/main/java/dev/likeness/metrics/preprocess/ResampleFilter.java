package dev.likeness.metrics.preprocess;

/**
 * Pillow's resampling filters, numbered as in {@code PIL.Image.Resampling} (the {@code resample} field of a Hugging
 * Face {@code preprocessor_config.json}). The kernels and supports are Pillow's ({@code libImaging/Resample.c}).
 */
public enum ResampleFilter {
    LANCZOS(1, 3.0) {
        @Override
        double apply(double x) {
            if (-3.0 <= x && x < 3.0) {
                return sinc(x) * sinc(x / 3.0);
            }
            return 0.0;
        }
    },
    BILINEAR(2, 1.0) {
        @Override
        double apply(double x) {
            double ax = x < 0.0 ? -x : x;
            return ax < 1.0 ? 1.0 - ax : 0.0;
        }
    },
    /** Keys cubic with a = -0.5 (torch/OpenCV use -0.75). */
    BICUBIC(3, 2.0) {
        @Override
        double apply(double x) {
            double a = -0.5;
            double ax = x < 0.0 ? -x : x;
            if (ax < 1.0) {
                return ((a + 2.0) * ax - (a + 3.0)) * ax * ax + 1;
            }
            if (ax < 2.0) {
                return (((ax - 5) * ax + 8) * ax - 4) * a;
            }
            return 0.0;
        }
    },
    BOX(4, 0.5) {
        @Override
        double apply(double x) {
            return x > -0.5 && x <= 0.5 ? 1.0 : 0.0;
        }
    },
    HAMMING(5, 1.0) {
        @Override
        double apply(double x) {
            double ax = x < 0.0 ? -x : x;
            if (ax == 0.0) {
                return 1.0;
            }
            if (ax >= 1.0) {
                return 0.0;
            }
            ax = ax * Math.PI;
            return Math.sin(ax) / ax * (0.54 + 0.46 * Math.cos(ax));
        }
    };

    private final int pillowId;
    private final double support;

    ResampleFilter(int pillowId, double support) {
        this.pillowId = pillowId;
        this.support = support;
    }

    abstract double apply(double x);

    double support() {
        return support;
    }

    public int pillowId() {
        return pillowId;
    }

    /** The filter for a Pillow resample number; 0 (NEAREST) is not a convolution filter and is rejected. */
    public static ResampleFilter fromPillowId(int id) {
        for (ResampleFilter f : values()) {
            if (f.pillowId == id) {
                return f;
            }
        }
        throw new IllegalArgumentException("unsupported Pillow resample mode " + id
                + " (supported: 1 LANCZOS, 2 BILINEAR, 3 BICUBIC, 4 BOX, 5 HAMMING)");
    }

    private static double sinc(double x) {
        if (x == 0.0) {
            return 1.0;
        }
        double px = x * Math.PI;
        return Math.sin(px) / px;
    }
}
