package dev.likeness.engine.model.vae;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.engine.model.JsonConfig;
import dev.likeness.engine.nn.ActivationFunction;

import java.nio.file.Path;
import java.util.List;

/** The fields of diffusers' {@code AutoencoderKL} config, with diffusers' defaults for absent ones. */
public record VaeConfig(
        int inChannels,
        int outChannels,
        List<String> downBlockTypes,
        List<String> upBlockTypes,
        List<Integer> blockOutChannels,
        int layersPerBlock,
        String actFn,
        int latentChannels,
        int normNumGroups,
        int sampleSize,
        double scalingFactor,
        boolean useQuantConv,
        boolean usePostQuantConv,
        boolean midBlockAddAttention) {

    public VaeConfig {
        int n = blockOutChannels.size();
        if (n == 0) {
            throw new IllegalArgumentException("VAE config: block_out_channels is empty");
        }
        if (downBlockTypes.size() != n || upBlockTypes.size() != n) {
            throw new IllegalArgumentException("VAE config: down_block_types (" + downBlockTypes.size()
                    + ") and up_block_types (" + upBlockTypes.size() + ") must have one entry per block_out_channels ("
                    + n + ")");
        }
        for (String t : downBlockTypes) {
            if (!t.equals("DownEncoderBlock2D")) {
                throw new IllegalArgumentException("VAE config: unsupported down block type '" + t
                        + "' (supported: DownEncoderBlock2D)");
            }
        }
        for (String t : upBlockTypes) {
            if (!t.equals("UpDecoderBlock2D")) {
                throw new IllegalArgumentException("VAE config: unsupported up block type '" + t
                        + "' (supported: UpDecoderBlock2D)");
            }
        }
        for (int c : blockOutChannels) {
            if (c % normNumGroups != 0) {
                throw new IllegalArgumentException("VAE config: block_out_channels " + blockOutChannels
                        + " are not all divisible by norm_num_groups " + normNumGroups);
            }
        }
        if (layersPerBlock <= 0 || latentChannels <= 0) {
            throw new IllegalArgumentException("VAE config: layers_per_block and latent_channels must be positive");
        }
        ActivationFunction.fromName(actFn);
    }

    public ActivationFunction activation() {
        return ActivationFunction.fromName(actFn);
    }

    /** Spatial downsampling factor between pixels and latents ({@code 2^(blocks-1)}). */
    public int downscaleFactor() {
        return 1 << (blockOutChannels.size() - 1);
    }

    public static VaeConfig read(Path configJson) {
        return from(JsonConfig.read(configJson));
    }

    public static VaeConfig from(JsonConfig c) {
        String norm = c.getString("norm_type", "group");
        if (!norm.equals("group")) {
            throw new IllegalArgumentException(c.source() + ": VAE norm_type '" + norm + "' is not supported");
        }
        if (c.has("shift_factor") && c.getDouble("shift_factor", 0) != 0) {
            throw new IllegalArgumentException(c.source() + ": VAE shift_factor is not supported");
        }
        return new VaeConfig(
                c.getInt("in_channels", 3),
                c.getInt("out_channels", 3),
                c.getStrings("down_block_types", List.of("DownEncoderBlock2D")),
                c.getStrings("up_block_types", List.of("UpDecoderBlock2D")),
                c.getInts("block_out_channels", List.of(64)),
                c.getInt("layers_per_block", 1),
                c.getString("act_fn", "silu"),
                c.getInt("latent_channels", 4),
                c.getInt("norm_num_groups", 32),
                c.getInt("sample_size", 32),
                c.getDouble("scaling_factor", 0.18215),
                c.getBoolean("use_quant_conv", true),
                c.getBoolean("use_post_quant_conv", true),
                c.getBoolean("mid_block_add_attention", true));
    }

    /** diffusers' config.json for this configuration. */
    public ObjectNode toJson() {
        ObjectNode o = JsonConfig.object();
        o.put("_class_name", "AutoencoderKL");
        o.put("_diffusers_version", "0.27.2");
        o.put("act_fn", actFn);
        o.set("block_out_channels", JsonConfig.ints(blockOutChannels));
        o.set("down_block_types", JsonConfig.strings(downBlockTypes));
        o.put("force_upcast", true);
        o.put("in_channels", inChannels);
        o.put("latent_channels", latentChannels);
        o.put("layers_per_block", layersPerBlock);
        o.put("mid_block_add_attention", midBlockAddAttention);
        o.put("norm_num_groups", normNumGroups);
        o.put("out_channels", outChannels);
        o.put("sample_size", sampleSize);
        o.put("scaling_factor", scalingFactor);
        o.set("up_block_types", JsonConfig.strings(upBlockTypes));
        o.put("use_post_quant_conv", usePostQuantConv);
        o.put("use_quant_conv", useQuantConv);
        return o;
    }
}
