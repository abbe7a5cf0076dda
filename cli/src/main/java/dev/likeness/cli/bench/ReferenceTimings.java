package dev.likeness.cli.bench;

/**
 * Reference figures to compare against: Hugging Face diffusers 0.27.2 on PyTorch 1.13.1 (Debian CPU build,
 * OpenBLAS + oneDNN), {@code torch.set_num_threads(2)}, 2 vCPU AVX2, medians after warm-up. Source:
 * shared/reference-timings.md of this project. These machines are noisy; the figures are for orientation.
 */
enum ReferenceTimings {
    TINY_UNET_FORWARD(61.0),
    TINY_UNET_FORWARD_BACKWARD(124.5),
    TINY_UNET_TRAIN_STEP(143.5),
    MID_UNET_FORWARD(494.0),
    MID_UNET_TRAIN_STEP(2422.0),
    TINY_PIPELINE_20_STEPS(1135.0),
    TINY_VAE_DECODE(17.4);

    /** Milliseconds. */
    final double millis;

    ReferenceTimings(double millis) {
        this.millis = millis;
    }
}
