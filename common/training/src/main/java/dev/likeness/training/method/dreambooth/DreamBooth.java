package dev.likeness.training.method.dreambooth;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.engine.io.SafeTensorsWriter;
import dev.likeness.engine.nn.Module;
import dev.likeness.engine.nn.Parameter;
import dev.likeness.training.ArtifactMetadata;
import dev.likeness.training.FineTuningMethod;
import dev.likeness.training.PromptTokenizer;
import dev.likeness.training.TrainableTensor;
import dev.likeness.training.TrainingConfig;
import dev.likeness.training.TrainingModel;
import dev.likeness.training.loop.Trainer;
import dev.likeness.training.optim.AdamW;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DreamBooth (Ruiz et al. 2023): fine-tunes the whole UNet (and optionally the text encoder) on a few subject images
 * bound to a rare-token identifier, with the class-specific prior-preservation loss handled by the loop.
 *
 * <p>Prompts use {@code {id}} for the identifier ({@code "a photo of {id} dog"}); it is chosen by
 * {@link IdentifierSelector} from the seed unless the method option {@code identifier} is set.
 *
 * <p>Artifact: a diffusers folder with {@code unet/} (float32, or float16 with {@code saveFp16}), {@code text_encoder/}
 * when it was trained, the base {@code model_index.json}, and {@code likeness_base.json} naming the base model folder
 * and digest from which the untouched components (VAE, tokenizer, scheduler, text encoder) are to be taken.
 */
public final class DreamBooth implements FineTuningMethod {

    public static final String ID = "dreambooth";
    public static final String UNET_GROUP = "unet";
    /** Method option: an explicit identifier instead of a selected one. */
    public static final String OPTION_IDENTIFIER = "identifier";
    /** Method option: number of rare tokens in the identifier (1–3, default 1). */
    public static final String OPTION_IDENTIFIER_TOKENS = "identifier_tokens";

    private String identifier;
    private TrainingModel model;
    private TrainingConfig cfg;
    private final List<TrainableTensor> trainables = new ArrayList<>();

    @Override
    public String id() {
        return ID;
    }

    /** The subject identifier "[V]" (after {@link #prepareTokenizer}). */
    public String identifier() {
        return identifier;
    }

    @Override
    public void prepareTokenizer(PromptTokenizer tokenizer, TrainingConfig cfg) {
        identifier = IdentifierSelector.forRun(tokenizer, cfg);
    }

    @Override
    public List<String> instancePrompts(TrainingConfig cfg) {
        return List.of(resolvePrompt(cfg.instancePrompt()));
    }

    @Override
    public String resolvePrompt(String prompt) {
        return IdentifierSelector.substitute(prompt, identifier);
    }

    @Override
    public void attach(TrainingModel model, TrainingConfig cfg, NDManager manager) {
        this.model = model;
        this.cfg = cfg;
        if (model.vae() != null) {
            model.vae().setTrainable(false);
        }
        model.unet().setTrainable(true);
        model.textEncoder().setTrainable(cfg.trainTextEncoder());
        trainables.clear();
        add("unet.", model.unet(), UNET_GROUP);
        if (cfg.trainTextEncoder()) {
            add("text_encoder.", model.textEncoder(), Trainer.TEXT_ENCODER_GROUP);
        }
    }

    private void add(String prefix, Module module, String group) {
        for (Map.Entry<String, Parameter> e : module.namedParameters().entrySet()) {
            NDArray a = e.getValue().array();
            if (a == null) {
                throw new IllegalStateException(prefix + e.getKey() + " has no weights loaded");
            }
            trainables.add(new TrainableTensor(prefix + e.getKey(), a, group));
        }
    }

    @Override
    public List<TrainableTensor> trainables() {
        return List.copyOf(trainables);
    }

    @Override
    public Map<String, Float> groupLearningRates(TrainingConfig cfg) {
        Map<String, Float> m = new LinkedHashMap<>();
        m.put(UNET_GROUP, cfg.learningRate());
        m.put(Trainer.TEXT_ENCODER_GROUP, cfg.textEncoderLearningRate());
        return m;
    }

    @Override
    public boolean trainsTextEncoder() {
        return cfg != null && cfg.trainTextEncoder();
    }

    @Override
    public Map<String, NDArray> state() {
        Map<String, NDArray> m = new LinkedHashMap<>();
        trainables.forEach(t -> m.put(t.name(), t.array()));
        return m;
    }

    @Override
    public void loadState(Map<String, NDArray> state) {
        for (TrainableTensor t : trainables) {
            NDArray src = state.get(t.name());
            if (src == null) {
                throw new IllegalArgumentException("DreamBooth state lacks " + t.name());
            }
            if (!src.getShape().equals(t.array().getShape())) {
                throw new IllegalArgumentException("DreamBooth state " + t.name() + " has shape " + src.getShape()
                        + ", model has " + t.array().getShape());
            }
            AdamW.copyInto(t.array(), src.toType(DataType.FLOAT32, false));
        }
    }

    @Override
    public void writeArtifact(Path dir, ArtifactMetadata provenance) throws IOException {
        if (model == null) {
            throw new IllegalStateException("DreamBooth is not attached to a model");
        }
        ArtifactMetadata meta = provenance.with(Map.of(
                "likeness.dreambooth.identifier", identifier,
                "likeness.dreambooth.dtype", cfg.saveFp16() ? "float16" : "float32",
                "likeness.dreambooth.text_encoder_trained", Boolean.toString(cfg.trainTextEncoder())));
        Files.createDirectories(dir);
        Path base = model.baseFolder();
        writeComponent(dir.resolve("unet"), "diffusion_pytorch_model.safetensors", model.unet(), meta,
                base == null ? null : base.resolve("unet/config.json"));
        if (cfg.trainTextEncoder()) {
            writeComponent(dir.resolve("text_encoder"), "model.safetensors", model.textEncoder(), meta,
                    base == null ? null : base.resolve("text_encoder/config.json"));
        }
        if (base != null && Files.isRegularFile(base.resolve("model_index.json"))) {
            Files.copy(base.resolve("model_index.json"), dir.resolve("model_index.json"),
                    StandardCopyOption.REPLACE_EXISTING);
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode ref = json.createObjectNode();
        ref.put("base_model", provenance.baseModel());
        ref.put("base_model_digest", provenance.baseModelDigest());
        var fromBase = ref.putArray("components_from_base");
        fromBase.add("vae").add("tokenizer").add("scheduler");
        if (!cfg.trainTextEncoder()) {
            fromBase.add("text_encoder");
        }
        ref.put("identifier", identifier);
        ref.put("instance_prompt", provenance.instancePrompt());
        Files.writeString(dir.resolve("likeness_base.json"),
                json.writerWithDefaultPrettyPrinter().writeValueAsString(ref) + "\n");
    }

    private void writeComponent(Path folder, String file, Module module, ArtifactMetadata meta, Path config)
            throws IOException {
        Files.createDirectories(folder);
        if (config != null && Files.isRegularFile(config)) {
            Files.copy(config, folder.resolve("config.json"), StandardCopyOption.REPLACE_EXISTING);
        }
        try (NDManager scratch = module.namedParameters().values().iterator().next().array().getManager()
                .newSubManager()) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : module.stateDict().entrySet()) {
                NDArray a = e.getValue();
                if (cfg.saveFp16()) {
                    NDArray h = a.toType(DataType.FLOAT16, true);
                    h.attach(scratch);
                    a = h;
                }
                tensors.put(e.getKey(), a);
            }
            SafeTensorsWriter.write(folder.resolve(file), tensors, meta.toMap());
        }
    }

    @Override
    public void detach() {
        trainables.clear();
        if (model != null) {
            // leave the base model frozen: a later user decides what trains
            model.unet().setTrainable(false);
            model.textEncoder().setTrainable(false);
        }
        model = null;
    }
}
