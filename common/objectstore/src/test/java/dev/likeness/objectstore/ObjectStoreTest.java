package dev.likeness.objectstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.likeness.localstack.LocalStack;
import dev.likeness.testkit.LocalStackExtension;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Against a real S3 server (S3Proxy from the local stack). */
@ExtendWith(LocalStackExtension.class)
class ObjectStoreTest {

    private static final String SHA_OF_HELLO = "f9391d9b2a9ab49c96e520ab67e1a2248db4052aa610eddfe81d012a65ac7b45";
    private static ObjectStore store;
    private static LocalStack stack;
    /** Each run writes under its own folder, since the stack's bucket is shared. */
    private static ObjectKey root;

    @BeforeAll
    static void connect(LocalStack localStack) {
        stack = localStack;
        store = ObjectStore.builder().endpoint(stack.s3Endpoint()).credentials(stack.s3AccessKey(),
                stack.s3SecretKey()).bucket(stack.bucket()).listPageSize(3).build();
        store.ensureBucket();
        root = ObjectKey.of("objectstore-test/" + UUID.randomUUID() + "/");
    }

    @AfterAll
    static void close() {
        store.close();
    }

    @Test
    void bytesRoundTripWithStatAndDigest() {
        byte[] bytes = "hello, likeness".getBytes(StandardCharsets.UTF_8);
        ObjectKey key = root.resolve("bytes/hello.txt");

        ObjectStat stat = store.put(key, bytes, "text/plain");

        assertThat(store.getBytes(key)).isEqualTo(bytes);
        assertThat(stat.size()).isEqualTo(bytes.length);
        assertThat(stat.etag()).isNotBlank().doesNotContain("\"");
        assertThat(stat.contentType()).isEqualTo("text/plain");
        assertThat(stat.lastModified()).isNotNull();
        String expected = ObjectStore.sha256(bytes);
        assertThat(stat.sha256()).isEqualTo(expected);
        assertThat(stat.metadata("SHA256")).isEqualTo(expected);
        assertThat(stat.metadata("Sha256")).isEqualTo(expected);
        assertThat(store.digest(key)).isEqualTo(expected).hasSize(64);
        // SHA-256("hello, likeness") computed independently with sha256sum
        assertThat(expected).isEqualTo(SHA_OF_HELLO);
        assertThat(store.exists(key)).isTrue();
        assertThat(store.uri(key).toString()).isEqualTo("s3://" + stack.bucket() + "/" + key.value());

        store.delete(key);
        assertThat(store.exists(key)).isFalse();
        assertThatThrownBy(() -> store.getBytes(key)).isInstanceOf(ObjectNotFoundException.class)
                .hasMessageContaining(key.value());
        assertThatThrownBy(() -> store.stat(key)).isInstanceOf(ObjectNotFoundException.class);
        store.delete(key); // idempotent
    }

    @Test
    void filesAndStreamsRoundTrip(@TempDir Path dir) throws IOException {
        byte[] content = new byte[3 * 1024 * 1024 + 17];
        new java.util.Random(7).nextBytes(content);
        Path file = Files.write(dir.resolve("in.bin"), content);
        ObjectKey fromFile = root.resolve("files/a.bin");
        ObjectKey fromStream = root.resolve("files/b.bin");

        store.put(fromFile, file, null);
        ObjectStat streamed = store.put(fromStream, new ByteArrayInputStream(content), "application/x-test");

        Path out = store.get(fromFile, dir.resolve("out/a.bin"));
        assertThat(Files.readAllBytes(out)).isEqualTo(content);
        try (var in = store.open(fromStream)) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
        String expected = ObjectStore.sha256(content);
        assertThat(store.digest(fromFile)).isEqualTo(expected);
        assertThat(streamed.sha256()).isEqualTo(expected);
        assertThat(streamed.contentType()).isEqualTo("application/x-test");
        assertThat(streamed.size()).isEqualTo(content.length);
        assertThat(store.stat(fromFile).contentType()).isEqualTo("application/octet-stream");
        try (var files = Files.list(dir.resolve("out"))) {
            assertThat(files).as("no temporary files left behind").hasSize(1);
        }
    }

    @Test
    void digestIsComputedForObjectsWrittenByOtherTools() throws Exception {
        byte[] bytes = "written without metadata".getBytes(StandardCharsets.UTF_8);
        ObjectKey key = root.resolve("foreign/plain.txt");
        try (MinioClient raw = MinioClient.builder().endpoint(stack.s3Endpoint().toString())
                .credentials(stack.s3AccessKey(), stack.s3SecretKey()).region("us-east-1").build()) {
            raw.putObject(PutObjectArgs.builder().bucket(stack.bucket()).object(key.value())
                    .stream(new ByteArrayInputStream(bytes), (long) bytes.length, null).build());
        }
        assertThat(store.stat(key).sha256()).isNull();
        assertThat(store.digest(key)).isEqualTo(ObjectStore.sha256(bytes));
    }

    @Test
    void listPagesThroughAPrefixAndDeletesIt() {
        ObjectKey prefix = root.folder("listing");
        for (int i = 0; i < 10; i++) {
            store.put(prefix.resolve((i % 2 == 0 ? "even/" : "odd/deeper/") + "f" + i), new byte[] {(byte) i}, null);
        }
        store.put(root.resolve("listing-sibling"), new byte[] {1}, null);

        List<ObjectSummary> listed = store.list(prefix); // page size 3: four pages
        assertThat(listed).hasSize(10);
        assertThat(listed).extracting(s -> s.key().value()).isSorted().allMatch(k -> k.startsWith(prefix.value()));
        assertThat(listed).allMatch(s -> s.size() == 1);
        assertThat(store.list(prefix.folder("odd"))).hasSize(5);

        assertThat(store.deletePrefix(prefix)).isEqualTo(10);
        assertThat(store.list(prefix)).isEmpty();
        assertThat(store.exists(root.resolve("listing-sibling"))).isTrue();
    }

    @Test
    void copyKeepsContentAndMetadata() {
        ObjectKey from = root.resolve("copy/src.json");
        ObjectKey to = root.resolve("copy/dst.json");
        store.putJson(from, Map.of("step", 5, "loss", 0.25));

        ObjectStat copied = store.copy(from, to);

        assertThat(store.getJson(to, Map.class)).containsEntry("step", 5).containsEntry("loss", 0.25);
        assertThat(copied.sha256()).isEqualTo(store.stat(from).sha256());
        assertThat(copied.contentType()).isEqualTo("application/json");
    }

    @Test
    void presignedUrlServesTheBytes() throws Exception {
        byte[] bytes = new byte[100_000];
        new java.util.Random(3).nextBytes(bytes);
        ObjectKey key = root.resolve("presign/blob.bin");
        store.put(key, bytes, null);

        var url = store.presignedGetUrl(key, Duration.ofMinutes(5));
        HttpResponse<byte[]> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url).build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(bytes);
        assertThat(url.getQuery()).contains("X-Amz-Signature");
        assertThatThrownBy(() -> store.presignedGetUrl(key, Duration.ofDays(8)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void foldersGoUpAndComeBack(@TempDir Path dir) throws IOException {
        Path model = dir.resolve("model");
        Files.createDirectories(model.resolve("unet"));
        Files.createDirectories(model.resolve("text_encoder"));
        Files.writeString(model.resolve("model_index.json"), "{\"_class_name\": \"StableDiffusionPipeline\"}");
        Files.writeString(model.resolve("unet/config.json"), "{\"sample_size\": 8}");
        Files.write(model.resolve("text_encoder/model.safetensors"), new byte[] {1, 2, 3, 4});
        ObjectKey prefix = root.folder("models/tiny");

        assertThat(store.uploadFolder(model, prefix)).isEqualTo(3);
        assertThat(store.stat(prefix.resolve("unet/config.json")).contentType()).isEqualTo("application/json");
        assertThat(store.downloadFolder(prefix, dir.resolve("copy"))).isEqualTo(3);

        assertThat(Files.readString(dir.resolve("copy/unet/config.json"))).isEqualTo("{\"sample_size\": 8}");
        assertThat(Files.readAllBytes(dir.resolve("copy/text_encoder/model.safetensors")))
                .containsExactly(1, 2, 3, 4);
        assertThat(Files.readString(dir.resolve("copy/model_index.json"))).contains("StableDiffusionPipeline");
    }

    @Test
    void keysAreCheckedBeforeAnyRequest() {
        assertThatThrownBy(() -> store.put(root, new byte[1], null)).isInstanceOf(InvalidKeyException.class)
                .hasMessageContaining("folder key");
        assertThatThrownBy(() -> store.uploadFolder(Path.of("."), root.resolve("not-a-folder")))
                .isInstanceOf(InvalidKeyException.class);
        assertThatThrownBy(() -> store.keyOf(ObjectUri.parse("s3://other-bucket/x")))
                .isInstanceOf(InvalidKeyException.class).hasMessageContaining("other-bucket");
    }
}
