package dev.likeness.priorgen;

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

    static String newJobId() {
        return "job-" + UUID.randomUUID();
    }
}
