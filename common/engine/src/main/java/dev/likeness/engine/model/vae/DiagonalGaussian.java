package dev.likeness.engine.model.vae;

import ai.djl.ndarray.NDArray;

/**
 * The VAE's latent distribution {@code N(mean, exp(logvar))}; closing it closes its arrays.
 *
 * @param moments {@code [batch, 2 * latent, h, w]} the {@code quant_conv} output (mean then log-variance)
 * @param mean    {@code [batch, latent, h, w]}
 * @param logvar  {@code [batch, latent, h, w]}, clamped to [-30, 20]
 * @param std     {@code [batch, latent, h, w]}, {@code exp(0.5 * logvar)}
 */
public record DiagonalGaussian(NDArray moments, NDArray mean, NDArray logvar, NDArray std)
        implements AutoCloseable {

    /**
     * A reparameterised sample {@code mean + std * eps}.
     *
     * @param eps standard normal noise {@code [batch, latent, h, w]}
     * @return {@code [batch, latent, h, w]} in {@code eps}' manager
     */
    public NDArray sample(NDArray eps) {
        if (!eps.getShape().equals(mean.getShape())) {
            throw new IllegalArgumentException("noise shape " + eps.getShape() + " does not match the latent shape "
                    + mean.getShape());
        }
        try (NDArray scaled = eps.mul(std)) {
            return scaled.add(mean);
        }
    }

    /** The distribution's mode (its mean), as a new array. */
    public NDArray mode() {
        return mean.duplicate();
    }

    @Override
    public void close() {
        moments.close();
        mean.close();
        logvar.close();
        std.close();
    }
}
