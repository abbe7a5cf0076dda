package dev.likeness.engine.model.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.model.ModelWeights;
import dev.likeness.engine.nn.Conv2d;
import dev.likeness.engine.nn.Module;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * diffusers' {@code AutoencoderKL}: {@code encoder}, {@code decoder}, {@code quant_conv}, {@code post_quant_conv}.
 * No scaling factor is applied inside; callers multiply latents by {@link #scalingFactor()} after encoding and
 * divide before decoding.
 */
public final class AutoencoderKL extends Module {

    private final VaeConfig config;
    private final Encoder encoder;
    private final Decoder decoder;
    private final Conv2d quantConv;
    private final Conv2d postQuantConv;

    public AutoencoderKL(VaeConfig config) {
        this.config = config;
        this.encoder = child("encoder", new Encoder(config));
        this.decoder = child("decoder", new Decoder(config));
        long two = 2L * config.latentChannels();
        this.quantConv = config.useQuantConv() ? child("quant_conv", new Conv2d(two, two, 1, 1, 0)) : null;
        this.postQuantConv = config.usePostQuantConv()
                ? child("post_quant_conv", new Conv2d(config.latentChannels(), config.latentChannels(), 1, 1, 0))
                : null;
    }

    /**
     * Loads a diffusers {@code vae} folder ({@code config.json} + {@code diffusion_pytorch_model.safetensors}) into
     * {@code manager}.
     */
    public static AutoencoderKL load(Path folder, NDManager manager) {
        AutoencoderKL model = new AutoencoderKL(VaeConfig.read(folder.resolve("config.json")));
        Path weights = folder.resolve("diffusion_pytorch_model.safetensors");
        if (!Files.isRegularFile(weights)) {
            throw new IllegalArgumentException("VAE folder " + folder + " has no diffusion_pytorch_model.safetensors");
        }
        ModelWeights.load(model, weights, manager, "");
        return model;
    }

    /**
     * Encodes images to the latent distribution.
     *
     * @param image {@code [batch, in_channels, height, width]} in [-1, 1]; height and width divisible by
     *              {@link VaeConfig#downscaleFactor()}
     */
    public DiagonalGaussian encode(NDArray image) {
        Shape s = image.getShape();
        int f = config.downscaleFactor();
        if (s.dimension() != 4 || s.get(1) != config.inChannels() || s.get(2) % f != 0 || s.get(3) % f != 0) {
            throw new IllegalArgumentException("VAE input must be [batch, " + config.inChannels()
                    + ", height, width] with height and width divisible by " + f + " but got " + s);
        }
        NDArray moments;
        try (NDArray h = encoder.forward(image)) {
            moments = quantConv == null ? h.duplicate() : quantConv.forward(h);
        }
        NDList parts = moments.split(2, 1);
        NDArray mean = parts.get(0);
        NDArray logvar;
        try (NDArray raw = parts.get(1)) {
            logvar = raw.clip(-30f, 20f);
        }
        NDArray std;
        try (NDArray half = logvar.mul(0.5f)) {
            std = half.exp();
        }
        return new DiagonalGaussian(moments, mean, logvar, std);
    }

    /**
     * Decodes latents (already divided by the scaling factor).
     *
     * @param z {@code [batch, latent_channels, h, w]}
     * @return {@code [batch, out_channels, h * f, w * f]}, roughly in [-1, 1]
     */
    public NDArray decode(NDArray z) {
        Shape s = z.getShape();
        if (s.dimension() != 4 || s.get(1) != config.latentChannels()) {
            throw new IllegalArgumentException("latents must be [batch, " + config.latentChannels()
                    + ", h, w] but got " + s);
        }
        if (postQuantConv == null) {
            return decoder.forward(z);
        }
        try (NDArray h = postQuantConv.forward(z)) {
            return decoder.forward(h);
        }
    }

    public double scalingFactor() {
        return config.scalingFactor();
    }

    public VaeConfig config() {
        return config;
    }

    public Encoder encoder() {
        return encoder;
    }

    public Decoder decoder() {
        return decoder;
    }

    /** The 1x1 convolution applied to latents before the decoder, or {@code null} if the config disables it. */
    public Conv2d postQuantConv() {
        return postQuantConv;
    }
}
