package dev.likeness.engine.model.unet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.engine.model.JsonConfig;
import dev.likeness.engine.model.resnet.ResnetBlock2D;
import dev.likeness.engine.nn.ActivationFunction;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The fields of diffusers' {@code UNet2DConditionModel} config that this engine supports, with diffusers' defaults
 * for absent ones and per-block values already expanded to one entry per block. Unsupported features (class or
 * addition embeddings, dual cross-attention, ...) are rejected by name.
 *
 * <p>Note diffusers' naming quirk, kept for compatibility: when {@code num_attention_heads} is absent,
 * {@code attention_head_dim} gives the <em>number of heads</em> per block; the head size is channels / heads.
 */
public record UNetConfig(
        Integer sampleSize,
        int inChannels,
        int outChannels,
        boolean centerInputSample,
        boolean flipSinToCos,
        int freqShift,
        List<String> downBlockTypes,
        String midBlockType,
        List<String> upBlockTypes,
        List<Integer> blockOutChannels,
        List<Integer> layersPerBlock,
        int downsamplePadding,
        double midBlockScaleFactor,
        String actFn,
        int normNumGroups,
        double normEps,
        List<Integer> crossAttentionDim,
        List<Integer> transformerLayersPerBlock,
        List<Integer> attentionHeadDim,
        List<Integer> numAttentionHeads,
        boolean useLinearProjection,
        boolean upcastAttention,
        String resnetTimeScaleShift,
        double resnetOutScaleFactor,
        int convInKernel,
        int convOutKernel,
        Integer timeEmbeddingDim) {

    public static final Set<String> DOWN_TYPES = Set.of("DownBlock2D", "CrossAttnDownBlock2D");
    public static final Set<String> UP_TYPES = Set.of("UpBlock2D", "CrossAttnUpBlock2D");
    public static final String MID_CROSS_ATTN = "UNetMidBlock2DCrossAttn";

    public UNetConfig {
        int n = blockOutChannels.size();
        if (n == 0) {
            throw new IllegalArgumentException("UNet config: block_out_channels is empty");
        }
        if (downBlockTypes.size() != n || upBlockTypes.size() != n) {
            throw new IllegalArgumentException("UNet config: down_block_types (" + downBlockTypes.size()
                    + ") and up_block_types (" + upBlockTypes.size() + ") must have one entry per block_out_channels ("
                    + n + ")");
        }
        for (String t : downBlockTypes) {
            if (!DOWN_TYPES.contains(t)) {
                throw new IllegalArgumentException("UNet config: unsupported down block type '" + t + "' (supported: "
                        + DOWN_TYPES + ")");
            }
        }
        for (String t : upBlockTypes) {
            if (!UP_TYPES.contains(t)) {
                throw new IllegalArgumentException("UNet config: unsupported up block type '" + t + "' (supported: "
                        + UP_TYPES + ")");
            }
        }
        if (midBlockType != null && !midBlockType.equals(MID_CROSS_ATTN)) {
            throw new IllegalArgumentException("UNet config: unsupported mid_block_type '" + midBlockType
                    + "' (supported: " + MID_CROSS_ATTN + " or null)");
        }
        List<List<Integer>> perBlock = new ArrayList<>(List.of(layersPerBlock, crossAttentionDim,
                transformerLayersPerBlock, attentionHeadDim));
        if (numAttentionHeads != null) {
            perBlock.add(numAttentionHeads);
        }
        for (List<Integer> l : perBlock) {
            if (l.size() != n) {
                throw new IllegalArgumentException("UNet config: per-block list " + l + " does not have " + n
                        + " entries");
            }
        }
        for (int i = 0; i < n; i++) {
            int c = blockOutChannels.get(i);
            if (c % normNumGroups != 0) {
                throw new IllegalArgumentException("UNet config: block_out_channels[" + i + "] = " + c
                        + " is not divisible by norm_num_groups " + normNumGroups);
            }
            int heads = (numAttentionHeads != null ? numAttentionHeads : attentionHeadDim).get(i);
            if (heads <= 0 || c % heads != 0) {
                throw new IllegalArgumentException("UNet config: block " + i + " has " + c
                        + " channels, not divisible by " + heads + " attention heads");
            }
        }
        ActivationFunction.fromName(actFn);
        ResnetBlock2D.TimeEmbeddingNorm.fromName(resnetTimeScaleShift);
    }

    /** Heads per block: {@code num_attention_heads} if given, else {@code attention_head_dim} (diffusers' quirk). */
    public List<Integer> heads() {
        return numAttentionHeads != null ? numAttentionHeads : attentionHeadDim;
    }

    public int timeEmbedDim() {
        return timeEmbeddingDim != null ? timeEmbeddingDim : blockOutChannels.get(0) * 4;
    }

    public ActivationFunction activation() {
        return ActivationFunction.fromName(actFn);
    }

    public static UNetConfig read(Path configJson) {
        return from(JsonConfig.read(configJson));
    }

    public static UNetConfig from(JsonConfig c) {
        rejectUnsupported(c);
        List<Integer> channels = c.getInts("block_out_channels", List.of(320, 640, 1280, 1280));
        int n = channels.size();
        List<Integer> headDim = orDefault(c.getPerBlockInts("attention_head_dim", n), 8, n);
        List<Integer> crossDim = orDefault(c.getPerBlockInts("cross_attention_dim", n), 1280, n);
        JsonNode tl = c.raw("transformer_layers_per_block");
        if (tl != null && tl.isArray() && tl.size() > 0 && tl.get(0).isArray()) {
            throw new IllegalArgumentException(c.source() + ": nested transformer_layers_per_block is not supported");
        }
        return new UNetConfig(
                c.has("sample_size") ? c.getInt("sample_size", 0) : null,
                c.getInt("in_channels", 4),
                c.getInt("out_channels", 4),
                c.getBoolean("center_input_sample", false),
                c.getBoolean("flip_sin_to_cos", true),
                c.getInt("freq_shift", 0),
                c.getStrings("down_block_types", List.of("CrossAttnDownBlock2D", "CrossAttnDownBlock2D",
                        "CrossAttnDownBlock2D", "DownBlock2D")),
                c.raw("mid_block_type") == null ? MID_CROSS_ATTN : c.getString("mid_block_type", null),
                c.getStrings("up_block_types", List.of("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D",
                        "CrossAttnUpBlock2D")),
                channels,
                orDefault(c.getPerBlockInts("layers_per_block", n), 2, n),
                c.getInt("downsample_padding", 1),
                c.getDouble("mid_block_scale_factor", 1.0),
                c.getString("act_fn", "silu"),
                c.getInt("norm_num_groups", 32),
                c.getDouble("norm_eps", 1e-5),
                crossDim,
                orDefault(c.getPerBlockInts("transformer_layers_per_block", n), 1, n),
                headDim,
                c.getPerBlockInts("num_attention_heads", n),
                c.getBoolean("use_linear_projection", false),
                c.getBoolean("upcast_attention", false),
                c.getString("resnet_time_scale_shift", "default"),
                c.getDouble("resnet_out_scale_factor", 1.0),
                c.getInt("conv_in_kernel", 3),
                c.getInt("conv_out_kernel", 3),
                c.has("time_embedding_dim") ? c.getInt("time_embedding_dim", 0) : null);
    }

    private static void rejectUnsupported(JsonConfig c) {
        for (String f : List.of("class_embed_type", "addition_embed_type", "encoder_hid_dim",
                "encoder_hid_dim_type", "time_cond_proj_dim", "timestep_post_act", "time_embedding_act_fn",
                "num_class_embeds", "cross_attention_norm", "reverse_transformer_layers_per_block",
                "projection_class_embeddings_input_dim")) {
            if (c.has(f)) {
                throw new IllegalArgumentException(c.source() + ": UNet feature '" + f + "' = " + c.raw(f)
                        + " is not supported");
            }
        }
        if (c.getBoolean("dual_cross_attention", false)) {
            throw new IllegalArgumentException(c.source() + ": dual_cross_attention is not supported");
        }
        if (c.getBoolean("resnet_skip_time_act", false)) {
            throw new IllegalArgumentException(c.source() + ": resnet_skip_time_act is not supported");
        }
        JsonNode oca = c.raw("only_cross_attention");
        boolean onlyCross = oca != null && oca.asBoolean(false);
        if (oca != null && oca.isArray()) {
            for (JsonNode e : oca) {
                onlyCross |= e.asBoolean(false);
            }
        }
        if (onlyCross) {
            throw new IllegalArgumentException(c.source() + ": only_cross_attention is not supported");
        }
        if (c.has("mid_block_only_cross_attention") && c.getBoolean("mid_block_only_cross_attention", false)) {
            throw new IllegalArgumentException(c.source() + ": mid_block_only_cross_attention is not supported");
        }
        String tet = c.getString("time_embedding_type", "positional");
        if (!tet.equals("positional")) {
            throw new IllegalArgumentException(c.source() + ": time_embedding_type '" + tet
                    + "' is not supported (only positional)");
        }
        String at = c.getString("attention_type", "default");
        if (!at.equals("default")) {
            throw new IllegalArgumentException(c.source() + ": attention_type '" + at + "' is not supported");
        }
    }

    private static List<Integer> orDefault(List<Integer> v, int dflt, int n) {
        if (v != null) {
            return v;
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(dflt);
        }
        return out;
    }

    /** diffusers' config.json for this configuration (per-block lists written as one value when uniform). */
    public ObjectNode toJson() {
        ObjectNode o = JsonConfig.object();
        o.put("_class_name", "UNet2DConditionModel");
        o.put("_diffusers_version", "0.27.2");
        o.put("act_fn", actFn);
        o.set("attention_head_dim", perBlock(attentionHeadDim));
        o.set("block_out_channels", JsonConfig.ints(blockOutChannels));
        o.put("center_input_sample", centerInputSample);
        o.put("conv_in_kernel", convInKernel);
        o.put("conv_out_kernel", convOutKernel);
        o.set("cross_attention_dim", perBlock(crossAttentionDim));
        o.set("down_block_types", JsonConfig.strings(downBlockTypes));
        o.put("downsample_padding", downsamplePadding);
        o.put("flip_sin_to_cos", flipSinToCos);
        o.put("freq_shift", freqShift);
        o.put("in_channels", inChannels);
        o.set("layers_per_block", perBlock(layersPerBlock));
        o.put("mid_block_scale_factor", midBlockScaleFactor);
        if (midBlockType == null) {
            o.putNull("mid_block_type");
        } else {
            o.put("mid_block_type", midBlockType);
        }
        o.put("norm_eps", normEps);
        o.put("norm_num_groups", normNumGroups);
        if (numAttentionHeads == null) {
            o.putNull("num_attention_heads");
        } else {
            o.set("num_attention_heads", perBlock(numAttentionHeads));
        }
        o.put("out_channels", outChannels);
        o.put("resnet_out_scale_factor", resnetOutScaleFactor);
        o.put("resnet_time_scale_shift", resnetTimeScaleShift);
        if (sampleSize == null) {
            o.putNull("sample_size");
        } else {
            o.put("sample_size", sampleSize);
        }
        if (timeEmbeddingDim == null) {
            o.putNull("time_embedding_dim");
        } else {
            o.put("time_embedding_dim", timeEmbeddingDim);
        }
        o.put("time_embedding_type", "positional");
        o.set("transformer_layers_per_block", perBlock(transformerLayersPerBlock));
        o.set("up_block_types", JsonConfig.strings(upBlockTypes));
        o.put("upcast_attention", upcastAttention);
        o.put("use_linear_projection", useLinearProjection);
        return o;
    }

    private static JsonNode perBlock(List<Integer> values) {
        if (values.stream().distinct().count() == 1) {
            return JsonConfig.JSON.getNodeFactory().numberNode(values.get(0));
        }
        return JsonConfig.ints(values);
    }
}
