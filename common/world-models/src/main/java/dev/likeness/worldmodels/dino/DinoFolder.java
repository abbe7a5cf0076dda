package dev.likeness.worldmodels.dino;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.engine.io.SafeTensorsWriter;
import dev.likeness.metrics.encoder.DinoVit;
import dev.likeness.metrics.encoder.VitConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the Hugging Face {@code ViTModel} folder the evaluator loads with {@link DinoVit#load} /
 * {@code DinoEmbedder}: {@code config.json}, {@code preprocessor_config.json} (ViTImageProcessor: bilinear resize
 * straight to 32×32, rescale 1/255, ImageNet mean/std — what the encoder was trained on) and
 * {@code model.safetensors} in float16 (the loader widens to float32). No pooler: the DINO embedding is the CLS token
 * after the final LayerNorm.
 */
public final class DinoFolder {

    /** ImageNet statistics, as in {@code facebook/dino-vits16}'s processor. */
    static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    static final float[] STD = {0.229f, 0.224f, 0.225f};

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private DinoFolder() {
    }

    /** Writes the three files into {@code folder} (created if needed); existing files are replaced. */
    public static void write(DinoVit model, Path folder, Map<String, String> metadata) throws IOException {
        Files.createDirectories(folder);
        VitConfig c = model.config();
        JSON.writeValue(folder.resolve("config.json").toFile(), config(c));
        JSON.writeValue(folder.resolve("preprocessor_config.json").toFile(), preprocessor(c.imageSize()));
        try (NDManager half = NDManager.newBaseManager()) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : model.stateDict().entrySet()) {
                NDArray h = e.getValue().toType(DataType.FLOAT16, true);
                h.attach(half); // else it would live as long as the model's manager
                tensors.put(e.getKey(), h);
            }
            Map<String, String> meta = new LinkedHashMap<>(metadata);
            meta.put("format", "pt");
            SafeTensorsWriter.write(folder.resolve("model.safetensors"), tensors, meta);
        }
    }

    static ObjectNode config(VitConfig c) {
        ObjectNode n = JSON.createObjectNode();
        n.putArray("architectures").add("ViTModel");
        n.put("model_type", "vit");
        n.put("hidden_size", c.hidden());
        n.put("num_hidden_layers", c.layers());
        n.put("num_attention_heads", c.heads());
        n.put("intermediate_size", c.intermediate());
        n.put("hidden_act", "gelu");
        n.put("hidden_dropout_prob", 0.0);
        n.put("attention_probs_dropout_prob", 0.0);
        n.put("initializer_range", 0.02);
        n.put("layer_norm_eps", Double.parseDouble(Float.toString(c.eps()))); // 1e-06, not 9.99e-07
        n.put("image_size", c.imageSize());
        n.put("patch_size", c.patchSize());
        n.put("num_channels", c.numChannels());
        n.put("qkv_bias", c.qkvBias());
        n.put("encoder_stride", c.patchSize());
        n.put("torch_dtype", "float16");
        return n;
    }

    static ObjectNode preprocessor(int size) {
        ObjectNode n = JSON.createObjectNode();
        n.put("image_processor_type", "ViTImageProcessor");
        n.put("do_resize", true);
        n.putObject("size").put("height", size).put("width", size);
        n.put("resample", 2);
        n.put("do_rescale", true);
        n.put("rescale_factor", 1.0 / 255);
        n.put("do_normalize", true);
        ArrayNode mean = n.putArray("image_mean");
        ArrayNode std = n.putArray("image_std");
        for (int i = 0; i < 3; i++) {
            mean.add((double) MEAN[i]);
            std.add((double) STD[i]);
        }
        return n;
    }
}
