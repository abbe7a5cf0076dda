package dev.likeness.trainer;

import dev.likeness.contracts.Messages;
import dev.likeness.contracts.jobs.HyperParameters;
import dev.likeness.contracts.jobs.Method;
import dev.likeness.contracts.jobs.PersonalizationJob;
import dev.likeness.contracts.jobs.PriorPreservation;
import dev.likeness.contracts.jobs.SamplerSettings;
import dev.likeness.contracts.jobs.SchedulerName;
import dev.likeness.contracts.jobs.Stage;
import dev.likeness.engine.random.TinyModelGenerator;
import dev.likeness.localstack.StackEndpoints;
import dev.likeness.objectstore.ObjectKey;
import dev.likeness.objectstore.ObjectKeys;
import dev.likeness.objectstore.ObjectStore;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/** A tiny base model and subject images in the test bucket, and jobs that use them. */
final class Fixtures {

    private static String modelUri;

    private Fixtures() {
    }

    static ObjectStore store(StackEndpoints stack) {
        return ObjectStore.builder().endpoint(stack.s3Endpoint()).credentials(stack.s3AccessKey(), stack.s3SecretKey())
                .bucket(stack.bucket()).build();
    }

    /** The tiny diffusers model (random weights, seed 42), uploaded once per test JVM. */
    static synchronized String tinyModel(ObjectStore store) throws IOException {
        if (modelUri == null) {
            Path dir = Files.createTempDirectory("tiny-sd-");
            TinyModelGenerator.write(dir, TinyModelGenerator.tinySd(), 42);
            ObjectKey prefix = ObjectKeys.model("tiny-sd-" + UUID.randomUUID().toString().substring(0, 8));
            store.uploadFolder(dir, prefix);
            modelUri = store.uri(prefix).toString();
        }
        return modelUri;
    }

    /** A small PNG (a disc on a plain background) uploaded as {@code jobs/<jobId>/inputs/<name>}. */
    static String subjectImage(ObjectStore store, String jobId, String name, int size) throws IOException {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(60, 110, 190));
        g.fillRect(0, 0, size, size);
        g.setColor(new Color(230, 140, 30));
        g.fillOval(size / 4, size / 4, size / 2, size / 2);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        ObjectKey key = ObjectKeys.job(jobId).input(name);
        store.put(key, out.toByteArray(), "image/png");
        return store.uri(key).toString();
    }

    /** Raw bytes as an input object. */
    static String rawInput(ObjectStore store, String jobId, String name, byte[] bytes) {
        ObjectKey key = ObjectKeys.job(jobId).input(name);
        store.put(key, bytes, "application/octet-stream");
        return store.uri(key).toString();
    }

    /** A DreamBooth job with prior preservation: {@code classImages} images of {@code classPrompt}, 2 sampling steps. */
    static PersonalizationJob job(String jobId, String model, List<String> images, String classPrompt,
                                  int classImages) {
        return Messages.normalize(PersonalizationJob.of(jobId, Method.DREAMBOOTH, model, images, "dog")
                .withHyperParameters(HyperParameters.defaults().withSteps(2).withResolution(64))
                .withPriorPreservation(new PriorPreservation(true, classPrompt, classImages, 1.0,
                        new SamplerSettings(2, 3.0, SchedulerName.DDIM), 7L))
                .withStages(List.of(Stage.PRIOR, Stage.TRAIN)));
    }

    /** A LoRA job without prior preservation: train, then evaluate; checkpoint every 2 steps. */
    static PersonalizationJob loraJob(String jobId, String model, List<String> images, int steps) {
        return Messages.normalize(PersonalizationJob.of(jobId, Method.LORA, model, images, "dog")
                .withHyperParameters(new HyperParameters(steps, 1e-3, null, null, 64, 5L, null, null, null, null,
                        null, null, 2, 1, null, null, null))
                .withPriorPreservation(PriorPreservation.disabled())
                .withStages(List.of(Stage.TRAIN, Stage.EVALUATE)));
    }

    /** The tiny model with a NaN in the UNet's output bias: every prediction, hence the loss, is NaN. */
    static synchronized String nanModel(ObjectStore store) throws IOException {
        Path dir = Files.createTempDirectory("nan-sd-");
        TinyModelGenerator.write(dir, TinyModelGenerator.tinySd(), 42);
        Path unet = dir.resolve("unet/diffusion_pytorch_model.safetensors");
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            java.util.Map<String, ai.djl.ndarray.NDArray> tensors = new java.util.TreeMap<>();
            try (dev.likeness.engine.io.SafeTensorsFile f = dev.likeness.engine.io.SafeTensorsFile.open(unet)) {
                for (String n : f.names()) {
                    tensors.put(n, f.load(n, m));
                }
            }
            tensors.put("conv_out.bias", tensors.get("conv_out.bias").mul(Float.NaN));
            dev.likeness.engine.io.SafeTensorsWriter.write(unet, tensors, java.util.Map.of());
        }
        ObjectKey prefix = ObjectKeys.model("nan-sd-" + UUID.randomUUID().toString().substring(0, 8));
        store.uploadFolder(dir, prefix);
        return store.uri(prefix).toString();
    }

    static String newJobId() {
        return "job-" + UUID.randomUUID();
    }
}
