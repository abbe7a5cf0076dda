package dev.likeness.worldmodels.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.engine.io.SafeTensorsWriter;
import dev.likeness.metrics.encoder.ClipConfig;
import dev.likeness.metrics.encoder.ClipModel;
import dev.likeness.metrics.preprocess.ImageProcessor;
import dev.likeness.world.tokenizer.WorldTokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a trained world CLIP as the Hugging Face {@code CLIPModel} folder the evaluator loads: {@code config.json},
 * {@code preprocessor_config.json}, {@code model.safetensors} and the world tokenizer's files.
 */
public final class ClipFolder {

    /** OpenAI CLIP's normalisation statistics (what {@code CLIPImageProcessor} ships with). */
    static final double[] MEAN = {0.48145466, 0.4578275, 0.40821073};
    static final double[] STD = {0.26862954, 0.26130258, 0.27577711};

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ClipFolder() {
    }

    /**
     * Writes the folder.
     *
     * @param half store the weights as float16 (the loader widens them to float32)
     */
    public static Path write(Path folder, ClipModel model, boolean half, Map<String, String> metadata)
            throws IOException {
        Files.createDirectories(folder);
        ClipConfig cfg = model.config();
        JSON.writeValue(folder.resolve("config.json").toFile(), config(cfg, half));
        JSON.writeValue(folder.resolve("preprocessor_config.json").toFile(), preprocessor(cfg.vision().imageSize()));
        WorldTokenizer.copyBundled(folder);
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            model.stateDict().forEach((k, a) -> {
                NDArray copy = a.toType(half ? DataType.FLOAT16 : DataType.FLOAT32, true);
                copy.attach(m);
                tensors.put(k, copy);
            });
            SafeTensorsWriter.write(folder.resolve("model.safetensors"), tensors, metadata);
        }
        return folder;
    }

    /** The image processor of a world CLIP at {@code size} pixels (identity resize and crop for world images). */
    public static ImageProcessor processor(int size) {
        return ImageProcessor.fromJson(preprocessor(size));
    }

    static ObjectNode preprocessor(int size) {
        ObjectNode p = JSON.createObjectNode();
        p.putObject("crop_size").put("height", size).put("width", size);
        p.put("do_center_crop", true);
        p.put("do_convert_rgb", true);
        p.put("do_normalize", true);
        p.put("do_rescale", true);
        p.put("do_resize", true);
        p.putArray("image_mean").add(MEAN[0]).add(MEAN[1]).add(MEAN[2]);
        p.put("image_processor_type", "CLIPImageProcessor");
        p.putArray("image_std").add(STD[0]).add(STD[1]).add(STD[2]);
        p.put("resample", 3);
        p.put("rescale_factor", 1.0 / 255.0);
        p.putObject("size").put("shortest_edge", size);
        return p;
    }

    static ObjectNode config(ClipConfig cfg, boolean half) {
        ObjectNode c = JSON.createObjectNode();
        c.putArray("architectures").add("CLIPModel");
        c.put("initializer_factor", 1.0);
        c.put("logit_scale_init_value", ClipRecipe.INITIAL_LOG_SCALE);
        c.put("model_type", "clip");
        c.put("projection_dim", cfg.projectionDim());
        c.put("torch_dtype", half ? "float16" : "float32");
        ObjectNode text = cfg.text().toJson();
        text.remove("architectures");
        text.remove("torch_dtype");
        c.set("text_config", text);
        ClipConfig.Vision v = cfg.vision();
        ObjectNode vision = c.putObject("vision_config");
        vision.put("attention_dropout", 0.0);
        vision.put("hidden_act", v.act() == dev.likeness.engine.nn.ActivationFunction.GELU ? "gelu" : "quick_gelu");
        vision.put("hidden_size", v.hidden());
        vision.put("image_size", v.imageSize());
        vision.put("intermediate_size", v.intermediate());
        vision.put("layer_norm_eps", v.eps());
        vision.put("model_type", "clip_vision_model");
        vision.put("num_attention_heads", v.heads());
        vision.put("num_channels", v.numChannels());
        vision.put("num_hidden_layers", v.layers());
        vision.put("patch_size", v.patchSize());
        vision.put("projection_dim", cfg.projectionDim());
        return c;
    }
}
