package dev.likeness.client;

import dev.likeness.contracts.Messages;
import dev.likeness.contracts.Topics;
import dev.likeness.contracts.events.JobEvent;
import dev.likeness.contracts.jobs.ControlMessage;
import dev.likeness.contracts.jobs.PersonalizationJob;
import dev.likeness.contracts.render.RenderRequest;
import dev.likeness.objectstore.ObjectKey;
import dev.likeness.objectstore.ObjectKeys;
import dev.likeness.objectstore.ObjectNotFoundException;
import dev.likeness.objectstore.ObjectStore;
import dev.likeness.objectstore.ObjectSummary;
import dev.likeness.objectstore.ObjectUri;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A user program's handle on a Likeness installation: upload subject images and base models to the object store,
 * publish jobs and render requests, follow their events to the end, cancel, and download the results.
 *
 * <pre>{@code
 * try (LikenessClient client = LikenessClient.connect(ClientSettings.local())) {
 *     String jobId = LikenessClient.newJobId();
 *     String model = client.uploadModel(Path.of("tiny-sd"), null);
 *     List<String> images = client.uploadImages(jobId, Path.of("my-vase"));
 *     client.submit(PersonalizationJob.of(jobId, Method.SVDIFF, model, images, "vase"));
 *     JobEvent last = client.follow(jobId, Duration.ofMinutes(30), e -> System.out.println(e.type()));
 *     client.fetch(jobId, Path.of("out"));
 * }
 * }</pre>
 *
 * Thread-safe except for {@link EventStream}s, which belong to the thread that opened them.
 */
public final class LikenessClient implements AutoCloseable {

    private static final List<String> IMAGE_EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".webp", ".bmp");
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final ClientSettings settings;
    private final ObjectStore store;
    private final KafkaProducer<String, String> producer;

    private LikenessClient(ClientSettings settings, ObjectStore store, KafkaProducer<String, String> producer) {
        this.settings = settings;
        this.store = store;
        this.producer = producer;
    }

    /** Connects to the installation (no network traffic until the first call). */
    public static LikenessClient connect(ClientSettings settings) {
        ObjectStore store = ObjectStore.builder().endpoint(settings.s3Endpoint())
                .credentials(settings.s3AccessKey(), settings.s3SecretKey()).region(settings.s3Region())
                .bucket(settings.bucket()).build();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafkaBootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new LikenessClient(settings, store, new KafkaProducer<>(p));
    }

    /** A fresh, readable job (or render request) id: {@code <prefix>-<utc time>-<random>}. */
    public static String newId(String prefix) {
        return prefix + "-" + LocalDateTime.now(ZoneOffset.UTC).format(ID_TIME) + "-"
                + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A fresh job id. */
    public static String newJobId() {
        return newId("job");
    }

    public ClientSettings settings() {
        return settings;
    }

    /** The object store the installation uses (for reading results directly). */
    public ObjectStore store() {
        return store;
    }

    // ---- uploads --------------------------------------------------------------------------------

    /**
     * Uploads the images directly in {@code folder} (png, jpg, jpeg, webp, bmp; sorted by name) to
     * {@code jobs/<jobId>/inputs/}.
     *
     * @return their {@code s3://} URIs, for {@link PersonalizationJob#instanceImages()}
     */
    public List<String> uploadImages(String jobId, Path folder) {
        List<String> uris = new ArrayList<>();
        for (Path image : imagesIn(folder)) {
            ObjectKey key = ObjectKeys.job(jobId).input(image.getFileName().toString());
            store.put(key, image, contentType(image));
            uris.add(store.uri(key).toString());
        }
        return uris;
    }

    /**
     * The images {@link #uploadImages} would upload from {@code folder}, in that order: those directly in it (png, jpg,
     * jpeg, webp, bmp), sorted by name. Lets a caller check what goes with them (one caption per image) before
     * anything is uploaded.
     *
     * @throws IllegalArgumentException if {@code folder} is not a directory or holds no images
     */
    public static List<Path> imagesIn(Path folder) {
        List<Path> images;
        try (Stream<Path> files = Files.list(requireDirectory(folder, "image folder"))) {
            images = files.filter(Files::isRegularFile).filter(LikenessClient::isImage).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no images (" + String.join(", ", IMAGE_EXTENSIONS) + ") in " + folder);
        }
        return images;
    }

    /**
     * Uploads a local diffusers model folder to {@code models/<name>/}, skipping files whose content is already
     * there (compared by SHA-256), so submitting many jobs on one model uploads it once.
     *
     * @param name model name; {@code null} names it by content, {@code sha-<first 16 hex of the folder digest>}
     * @return the folder's {@code s3://} URI, for {@link PersonalizationJob#baseModel()}
     */
    public String uploadModel(Path folder, String name) {
        Path root = requireDirectory(folder, "model folder").toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("model_index.json"))) {
            throw new IllegalArgumentException(root + " is not a diffusers model folder (no model_index.json)");
        }
        Map<String, String> local = fileDigests(root);
        String modelName = name != null ? name : "sha-" + folderDigest(local).substring(0, 16);
        ObjectKey prefix = ObjectKeys.model(modelName);
        Map<String, String> remote = new LinkedHashMap<>();
        for (ObjectSummary o : store.list(prefix)) {
            remote.put(o.key().relativeTo(prefix), null);
        }
        for (Map.Entry<String, String> f : local.entrySet()) {
            ObjectKey key = prefix.resolve(f.getKey());
            if (remote.containsKey(f.getKey()) && f.getValue().equals(remoteDigest(key))) {
                continue;
            }
            store.put(key, root.resolve(f.getKey()), contentType(root.resolve(f.getKey())));
        }
        return store.uri(prefix).toString();
    }

    // ---- messages -------------------------------------------------------------------------------

    /**
     * Publishes a job on {@code likeness.jobs} (keyed by its id) after filling its defaults and validating it as the
     * services will.
     *
     * @return the job as published (defaults filled)
     */
    public PersonalizationJob submit(PersonalizationJob job) {
        PersonalizationJob full = Messages.normalize(job);
        send(Topics.JOBS, full.jobId(), Messages.toJson(full));
        return full;
    }

    /** Publishes a render request on {@code likeness.render}; returns it with defaults filled. */
    public RenderRequest submitRender(RenderRequest request) {
        RenderRequest full = Messages.normalize(request);
        send(Topics.RENDER, full.requestId(), Messages.toJson(full));
        return full;
    }

    /** Asks every service to cancel {@code jobId} (a {@code cancelled} event follows if it was still running). */
    public void cancel(String jobId, String reason) {
        ControlMessage message = ControlMessage.cancel(jobId, reason);
        send(Topics.CONTROL, jobId, Messages.toJson(message));
    }

    /** Sends a raw message (already JSON) to a topic and waits for the broker's acknowledgement. */
    public void send(String topic, String key, String value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing to " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not publish to " + topic + " on "
                    + settings.kafkaBootstrapServers() + ": " + (e.getCause() == null ? e : e.getCause()), e);
        }
    }

    // ---- events ---------------------------------------------------------------------------------

    /** The events of a job or render request from its first one; close it when done. */
    public EventStream events(String subject) {
        return new EventStream(settings.kafkaBootstrapServers(), subject);
    }

    /**
     * Hands every event of {@code subject} to {@code onEvent} in order, until a terminal one ({@code succeeded},
     * {@code failed}, {@code cancelled}, {@code render.completed}, {@code render.failed}), and returns that.
     *
     * @throws TimeoutException when no terminal event came within {@code timeout}
     */
    public JobEvent follow(String subject, Duration timeout, Consumer<JobEvent> onEvent) throws TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (EventStream stream = events(subject)) {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("no final event for " + subject + " within " + timeout);
                }
                var next = stream.next(Duration.ofNanos(left));
                if (next.isPresent()) {
                    JobEvent e = next.get();
                    onEvent.accept(e);
                    if (e.type().terminal()) {
                        return e;
                    }
                }
            }
        }
    }

    // ---- results --------------------------------------------------------------------------------

    /**
     * Downloads a job's {@code artifacts/} and {@code report/} folders into {@code folder/artifacts} and
     * {@code folder/report}.
     *
     * @throws ObjectNotFoundException when the job has no artifacts (yet)
     */
    public FetchedJob fetch(String jobId, Path folder) {
        var keys = ObjectKeys.job(jobId);
        if (store.list(keys.artifacts()).isEmpty()) {
            throw new ObjectNotFoundException("job " + jobId + " has no artifacts in " + store.uri(keys.artifacts())
                    + " (not finished, failed, or unknown)", null);
        }
        Path artifacts = folder.resolve("artifacts");
        Path report = folder.resolve("report");
        store.downloadFolder(keys.artifacts(), artifacts);
        if (!store.list(keys.report()).isEmpty()) {
            store.downloadFolder(keys.report(), report);
        }
        return new FetchedJob(folder, filesUnder(artifacts), filesUnder(report));
    }

    /** Downloads a render request's images ({@code renders/<requestId>/}) into {@code folder}. */
    public List<Path> fetchRender(String requestId, Path folder) {
        store.downloadFolder(ObjectKeys.renders(requestId), folder);
        return filesUnder(folder);
    }

    /** A URL that downloads the object behind {@code s3Uri} without credentials until {@code expiry}. */
    public URI presignedUrl(String s3Uri, Duration expiry) {
        return store.presignedGetUrl(store.keyOf(ObjectUri.parse(s3Uri)), expiry);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        store.close();
    }

    // ---- internals ------------------------------------------------------------------------------

    private String remoteDigest(ObjectKey key) {
        try {
            return store.stat(key).sha256();
        } catch (ObjectNotFoundException e) {
            return null;
        }
    }

    private static Path requireDirectory(Path folder, String what) {
        if (folder == null || !Files.isDirectory(folder)) {
            throw new IllegalArgumentException(what + " " + folder + " does not exist or is not a directory");
        }
        return folder;
    }

    private static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return IMAGE_EXTENSIONS.stream().anyMatch(n::endsWith);
    }

    private static String contentType(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".png")) {
            return "image/png";
        }
        if (n.endsWith(".jpg") || n.endsWith(".jpeg")) {
            return "image/jpeg";
        }
        if (n.endsWith(".json")) {
            return "application/json";
        }
        return "application/octet-stream";
    }

    /** Relative path (with {@code /}) → SHA-256 of every regular file below {@code root}, sorted by path. */
    private static Map<String, String> fileDigests(Path root) {
        Map<String, String> out = new LinkedHashMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
                String rel = root.relativize(f).toString().replace(f.getFileSystem().getSeparator(), "/");
                try (InputStream in = new DigestInputStream(Files.newInputStream(f), sha256())) {
                    in.transferTo(java.io.OutputStream.nullOutputStream());
                    out.put(rel, HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + root, e);
        }
        return out;
    }

    private static String folderDigest(Map<String, String> files) {
        MessageDigest md = sha256();
        files.forEach((path, digest) -> md.update((path + "\t" + digest + "\n").getBytes(StandardCharsets.UTF_8)));
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Path> filesUnder(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }
}
