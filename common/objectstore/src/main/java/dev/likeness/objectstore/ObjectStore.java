package dev.likeness.objectstore;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.minio.BucketExistsArgs;
import io.minio.CopyObjectArgs;
import io.minio.Directive;
import io.minio.GetObjectArgs;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.Http;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.RemoveObjectsArgs;
import io.minio.Result;
import io.minio.SourceObject;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.MinioException;
import io.minio.messages.DeleteRequest;
import io.minio.messages.DeleteResult;
import io.minio.messages.Item;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bucket of an S3-compatible store, through the MinIO client. Every call retries transient
 * failures with exponential backoff ({@link RetryPolicy}) and then throws
 * {@link ObjectStoreUnavailableException}; a missing object is {@link ObjectNotFoundException}.
 *
 * <p>Uploads record the content's SHA-256 in user metadata {@code sha256}. Streams of unknown
 * length go up as a multipart upload, one part in memory at a time; downloads stream to disk.
 *
 * <pre>{@code
 * try (ObjectStore store = ObjectStore.builder().endpoint("http://127.0.0.1:9000")
 *         .credentials("key", "secret").bucket("likeness").build()) {
 *     store.ensureBucket();
 *     store.put(ObjectKeys.job("j1").input("0.png"), Path.of("dog.png"), "image/png");
 * }
 * }</pre>
 */
public final class ObjectStore implements AutoCloseable {

    /** User-metadata name of the content digest. */
    public static final String SHA256_METADATA = "sha256";
    /** Multipart part size for streams of unknown length (S3's minimum is 5 MiB). */
    static final long PART_SIZE = 5L * 1024 * 1024;
    private static final String OCTET_STREAM = "application/octet-stream";
    private static final Set<String> TRANSIENT_CODES = Set.of("SlowDown", "InternalError", "ServiceUnavailable",
            "RequestTimeout", "RequestTimeTooSkewed", "XMinioServerNotInitialized");
    private static final Set<String> NOT_FOUND_CODES = Set.of("NoSuchKey", "NoSuchBucket", "NoSuchObject",
            "NotFound", "ResourceNotFound");
    private static final Logger LOG = LoggerFactory.getLogger(ObjectStore.class);

    private final MinioClient client;
    private final OkHttpClient http;
    private final URI endpoint;
    private final String bucket;
    private final RetryPolicy retry;
    private final int listPageSize;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private ObjectStore(Builder b) {
        this.endpoint = b.endpoint;
        this.bucket = b.bucket;
        this.retry = b.retry;
        this.listPageSize = b.listPageSize;
        this.http = new OkHttpClient.Builder()
                .connectTimeout(b.connectTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(b.readTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .writeTimeout(b.readTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .build();
        this.client = MinioClient.builder()
                .endpoint(b.endpoint.toString())
                .credentials(b.accessKey, b.secretKey)
                .region(b.region)
                .httpClient(http)
                .build();
    }

    /** Options for a store; endpoint and credentials are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The bucket this store reads and writes. */
    public String bucket() {
        return bucket;
    }

    /** The {@code s3://} URI of a key in this bucket. */
    public ObjectUri uri(ObjectKey key) {
        return new ObjectUri(bucket, key);
    }

    /** The key of a URI, which must point into this store's bucket. */
    public ObjectKey keyOf(ObjectUri uri) {
        if (!uri.bucket().equals(bucket)) {
            throw new InvalidKeyException("'" + uri + "' is in bucket '" + uri.bucket() + "', not in '" + bucket + "'");
        }
        return uri.key();
    }

    /** Creates the bucket when it does not exist yet. */
    public void ensureBucket() {
        call("create bucket " + bucket, () -> {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
            }
            return null;
        });
    }

    // ---- writing --------------------------------------------------------------------------------

    /** Uploads a file; its SHA-256 is computed first and stored with it. */
    public ObjectStat put(ObjectKey key, Path file, String contentType) {
        requireObject(key);
        long size;
        String sha;
        try {
            size = Files.size(file);
            try (InputStream in = Files.newInputStream(file)) {
                sha = sha256(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " for upload to " + key, e);
        }
        call("upload " + file + " to " + key, () -> {
            try (InputStream in = Files.newInputStream(file)) {
                client.putObject(PutObjectArgs.builder().bucket(bucket).object(key.value())
                        .stream(in, size, null).contentType(type(contentType))
                        .userMetadata(Map.of(SHA256_METADATA, sha)).build());
            }
            return null;
        });
        return stat(key);
    }

    /** Uploads bytes held in memory. */
    public ObjectStat put(ObjectKey key, byte[] bytes, String contentType) {
        requireObject(key);
        String sha = sha256(bytes);
        call("upload " + bytes.length + " bytes to " + key, () -> {
            client.putObject(PutObjectArgs.builder().bucket(bucket).object(key.value())
                    .stream(new java.io.ByteArrayInputStream(bytes), (long) bytes.length, null)
                    .contentType(type(contentType)).userMetadata(Map.of(SHA256_METADATA, sha)).build());
            return null;
        });
        return stat(key);
    }

    /**
     * Uploads a stream of unknown length as a multipart upload, holding one part in memory at a
     * time, and hashes it on the way; the digest is attached afterwards by a server-side copy (S3
     * takes metadata only before the content). A stream cannot be replayed, so a transient failure
     * after the first byte was read is not retried. The stream is not closed.
     */
    public ObjectStat put(ObjectKey key, InputStream in, String contentType) {
        requireObject(key);
        CountingInputStream counted = new CountingInputStream(in);
        MessageDigest digest = newSha256();
        DigestInputStream hashed = new DigestInputStream(counted, digest);
        call("upload stream to " + key, () -> {
            if (counted.count > 0) {
                throw new ObjectStoreUnavailableException("upload of a stream to " + key + " failed after "
                        + counted.count + " bytes; a stream cannot be replayed", null);
            }
            client.putObject(PutObjectArgs.builder().bucket(bucket).object(key.value())
                    .stream(hashed, null, PART_SIZE).contentType(type(contentType)).build());
            return null;
        });
        String sha = HexFormat.of().formatHex(digest.digest());
        call("record digest of " + key, () -> {
            client.copyObject(CopyObjectArgs.builder().bucket(bucket).object(key.value())
                    .source(SourceObject.builder().bucket(bucket).object(key.value()).build())
                    .metadataDirective(Directive.REPLACE)
                    .headers(Map.of("Content-Type", type(contentType)))
                    .userMetadata(Map.of(SHA256_METADATA, sha)).build());
            return null;
        });
        return stat(key);
    }

    /** Writes {@code value} as JSON ({@code application/json}). */
    public ObjectStat putJson(ObjectKey key, Object value) {
        try {
            return put(key, json.writeValueAsBytes(value), "application/json");
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON", e);
        }
    }

    // ---- reading --------------------------------------------------------------------------------

    /**
     * Streams an object into {@code target}: written to a temporary file next to it, then moved
     * into place, so a reader never sees half a file.
     */
    public Path get(ObjectKey key, Path target) {
        requireObject(key);
        Path dir = target.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        return call("download " + key + " to " + target, () -> {
            Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".part");
            try {
                try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(bucket)
                        .object(key.value()).build()); OutputStream out = Files.newOutputStream(tmp)) {
                    in.transferTo(out);
                }
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return target;
            } finally {
                Files.deleteIfExists(tmp);
            }
        });
    }

    /** Opens an object for streaming; the caller closes it. Only opening is retried. */
    public InputStream open(ObjectKey key) {
        requireObject(key);
        return call("open " + key, () -> client.getObject(GetObjectArgs.builder().bucket(bucket)
                .object(key.value()).build()));
    }

    /** Reads a whole (small) object into memory. */
    public byte[] getBytes(ObjectKey key) {
        requireObject(key);
        return call("read " + key, () -> {
            try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(bucket)
                    .object(key.value()).build())) {
                return in.readAllBytes();
            }
        });
    }

    /** Reads a JSON object written by {@link #putJson}. */
    public <T> T getJson(ObjectKey key, Class<T> type) {
        byte[] bytes = getBytes(key);
        try {
            return json.readValue(bytes, type);
        } catch (IOException e) {
            throw new ObjectStoreException(key + " is not a JSON " + type.getSimpleName() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Size, etag, content type and user metadata of an object. */
    public ObjectStat stat(ObjectKey key) {
        requireObject(key);
        StatObjectResponse r = call("stat " + key,
                () -> client.statObject(StatObjectArgs.builder().bucket(bucket).object(key.value()).build()));
        Map<String, String> meta = new LinkedHashMap<>();
        Http.Headers headers = r.userMetadata();
        if (headers != null) {
            for (Map.Entry<String, String> e : headers.entries()) {
                meta.putIfAbsent(e.getKey(), e.getValue());
            }
        }
        return new ObjectStat(key, r.size(), unquote(r.etag()), r.lastModified() == null ? null
                : r.lastModified().toInstant(), r.contentType(), meta);
    }

    /** Whether an object exists. */
    public boolean exists(ObjectKey key) {
        try {
            stat(key);
            return true;
        } catch (ObjectNotFoundException e) {
            return false;
        }
    }

    /**
     * The SHA-256 of an object (lower-case hex): the one recorded at upload, or, for objects
     * written by other tools, computed by streaming the content.
     */
    public String digest(ObjectKey key) {
        String recorded = stat(key).sha256();
        if (recorded != null) {
            return recorded;
        }
        return call("hash " + key, () -> {
            try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(bucket)
                    .object(key.value()).build())) {
                return sha256(in);
            }
        });
    }

    /** Every object whose key starts with {@code prefix}, at any depth, in key order. */
    public List<ObjectSummary> list(ObjectKey prefix) {
        return call("list " + prefix, () -> {
            List<ObjectSummary> out = new ArrayList<>();
            Iterable<Result<Item>> results = client.listObjects(ListObjectsArgs.builder().bucket(bucket)
                    .prefix(prefix.value()).recursive(true).maxKeys(listPageSize).build());
            for (Result<Item> result : results) {
                Item item = result.get();
                if (item.isDir()) {
                    continue;
                }
                out.add(new ObjectSummary(ObjectKey.of(item.objectName()), item.size(), unquote(item.etag()),
                        item.lastModified() == null ? null : item.lastModified().toInstant()));
            }
            out.sort((a, b) -> a.key().compareTo(b.key()));
            return out;
        });
    }

    // ---- deleting and copying -------------------------------------------------------------------

    /** Deletes one object; deleting a missing object is not an error. */
    public void delete(ObjectKey key) {
        requireObject(key);
        call("delete " + key, () -> {
            client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key.value()).build());
            return null;
        });
    }

    /** Deletes every object under {@code prefix}; returns how many there were. */
    public int deletePrefix(ObjectKey prefix) {
        List<ObjectSummary> objects = list(prefix);
        for (int from = 0; from < objects.size(); from += 1000) {
            List<DeleteRequest.Object> batch = objects.subList(from, Math.min(from + 1000, objects.size())).stream()
                    .map(o -> new DeleteRequest.Object(o.key().value())).toList();
            call("delete " + batch.size() + " objects under " + prefix, () -> {
                for (Result<DeleteResult.Error> r : client.removeObjects(RemoveObjectsArgs.builder()
                        .bucket(bucket).objects(batch).build())) {
                    DeleteResult.Error error = r.get();
                    throw new ObjectStoreException("could not delete " + error.objectName() + ": " + error.code()
                            + " " + error.message(), null);
                }
                return null;
            });
        }
        return objects.size();
    }

    /** Server-side copy, metadata included. */
    public ObjectStat copy(ObjectKey from, ObjectKey to) {
        requireObject(from);
        requireObject(to);
        call("copy " + from + " to " + to, () -> {
            client.copyObject(CopyObjectArgs.builder().bucket(bucket).object(to.value())
                    .source(SourceObject.builder().bucket(bucket).object(from.value()).build()).build());
            return null;
        });
        return stat(to);
    }

    /** A URL anyone can GET the object with until {@code expiry} (1 second to 7 days) has passed. */
    public URI presignedGetUrl(ObjectKey key, Duration expiry) {
        requireObject(key);
        if (expiry.getSeconds() < 1 || expiry.compareTo(Duration.ofDays(7)) > 0) {
            throw new IllegalArgumentException("presigned URL expiry must be between 1 s and 7 days, got " + expiry);
        }
        return URI.create(call("presign " + key, () -> client.getPresignedObjectUrl(
                GetPresignedObjectUrlArgs.builder().method(Http.Method.GET).bucket(bucket).object(key.value())
                        .expiry((int) expiry.getSeconds(), TimeUnit.SECONDS).build())));
    }

    // ---- folders --------------------------------------------------------------------------------

    /**
     * Uploads every regular file below {@code localDir} to {@code prefix}, keeping relative paths
     * ({@code unet/config.json} → {@code prefix + "unet/config.json"}). Returns the number of files.
     */
    public int uploadFolder(Path localDir, ObjectKey prefix) {
        requireFolder(prefix);
        Path root = localDir.toAbsolutePath().normalize();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
        for (Path file : files) {
            String relative = root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
            put(prefix.resolve(relative), file, contentTypeOf(relative));
        }
        return files.size();
    }

    /**
     * Downloads every object under {@code prefix} into {@code localDir}, recreating the folders
     * below it. Keys are validated, so none can land outside {@code localDir}. Returns the count.
     */
    public int downloadFolder(ObjectKey prefix, Path localDir) {
        requireFolder(prefix);
        Path root = localDir.toAbsolutePath().normalize();
        List<ObjectSummary> objects = list(prefix);
        for (ObjectSummary o : objects) {
            Path target = root.resolve(o.key().relativeTo(prefix)).normalize();
            if (!target.startsWith(root) || target.equals(root)) {
                throw new InvalidKeyException("object " + o.key() + " would be written outside " + root);
            }
            get(o.key(), target);
        }
        return objects.size();
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (Exception e) {
            LOG.debug("closing the MinIO client failed", e);
        }
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    @Override
    public String toString() {
        return "ObjectStore[" + endpoint + "/" + bucket + "]";
    }

    // ---- retries --------------------------------------------------------------------------------

    @FunctionalInterface
    private interface StoreCall<T> {
        T run() throws MinioException, IOException;
    }

    private <T> T call(String what, StoreCall<T> op) {
        long started = System.nanoTime();
        Exception last = null;
        for (int attempt = 1; attempt <= retry.maxAttempts(); attempt++) {
            try {
                return op.run();
            } catch (MinioException | IOException | RuntimeException thrown) {
                Exception e = unwrap(thrown);
                Failure kind = classify(e);
                if (kind == Failure.NOT_FOUND) {
                    throw new ObjectNotFoundException(what + ": not found in " + endpoint + "/" + bucket, e);
                }
                if (kind == Failure.PERMANENT) {
                    throw new ObjectStoreException(what + " failed: " + describe(e), e);
                }
                last = e;
                if (attempt < retry.maxAttempts()) {
                    Duration wait = retry.backoff(attempt);
                    LOG.warn("{} failed (attempt {}/{}), retrying in {} ms: {}", what, attempt, retry.maxAttempts(),
                            wait.toMillis(), describe(e));
                    sleep(wait);
                }
            }
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        throw new ObjectStoreUnavailableException("object store " + endpoint + " unavailable: " + what + " failed "
                + retry.maxAttempts() + " times in " + millis + " ms; last error: " + describe(last), last);
    }

    private enum Failure { TRANSIENT, NOT_FOUND, PERMANENT }

    /** The MinIO client wraps some failures (e.g. a refused connection) in unchecked exceptions. */
    private static Exception unwrap(Exception thrown) {
        if (!(thrown instanceof RuntimeException runtime) || thrown instanceof ObjectStoreException) {
            if (thrown instanceof ObjectStoreException ours) {
                throw ours;
            }
            return thrown;
        }
        for (Throwable t = thrown.getCause(); t != null; t = t.getCause()) {
            if (t instanceof MinioException || t instanceof IOException) {
                return (Exception) t;
            }
        }
        throw runtime;
    }

    private static Failure classify(Exception e) {
        if (e instanceof ErrorResponseException er) {
            String code = er.errorResponse() == null ? "" : er.errorResponse().code();
            int status = er.response() == null ? 0 : er.response().code();
            if (NOT_FOUND_CODES.contains(code) || status == 404) {
                return Failure.NOT_FOUND;
            }
            return status >= 500 || TRANSIENT_CODES.contains(code) ? Failure.TRANSIENT : Failure.PERMANENT;
        }
        if (e instanceof io.minio.errors.ServerException se) {
            return se.statusCode() >= 500 ? Failure.TRANSIENT : Failure.PERMANENT;
        }
        if (e instanceof io.minio.errors.InvalidResponseException) {
            return Failure.TRANSIENT; // a non-S3 answer, typically a proxy's 502/503 page
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException && !(t instanceof java.io.FileNotFoundException)) {
                return Failure.TRANSIENT; // refused, reset, timed out, truncated
            }
        }
        return Failure.PERMANENT;
    }

    private static String describe(Exception e) {
        if (e instanceof ErrorResponseException er && er.errorResponse() != null) {
            return er.errorResponse().code() + ": " + er.errorResponse().message();
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e) : e.getClass().getSimpleName() + " caused by " + root;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ObjectStoreException("interrupted while waiting to retry", e);
        }
    }

    // ---- small helpers --------------------------------------------------------------------------

    private static void requireObject(ObjectKey key) {
        if (key.isFolder()) {
            throw new InvalidKeyException("'" + key + "' is a folder key (ends in '/'); an object key is needed");
        }
    }

    private static void requireFolder(ObjectKey key) {
        if (!key.isFolder()) {
            throw new InvalidKeyException("'" + key + "' is not a folder key; it must end in '/'");
        }
    }

    private static String type(String contentType) {
        return contentType == null || contentType.isBlank() ? OCTET_STREAM : contentType;
    }

    private static String unquote(String etag) {
        return etag == null ? null : etag.replace("\"", "");
    }

    static String contentTypeOf(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        if (n.endsWith(".json")) {
            return "application/json";
        }
        if (n.endsWith(".png")) {
            return "image/png";
        }
        if (n.endsWith(".jpg") || n.endsWith(".jpeg")) {
            return "image/jpeg";
        }
        if (n.endsWith(".txt")) {
            return "text/plain";
        }
        return OCTET_STREAM;
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(newSha256().digest(bytes));
    }

    static String sha256(InputStream in) throws IOException {
        MessageDigest d = newSha256();
        byte[] buf = new byte[64 * 1024];
        for (int n; (n = in.read(buf)) > 0; ) {
            d.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(d.digest());
    }

    /** Counts bytes read, so a failed stream upload knows whether it can start over. */
    private static final class CountingInputStream extends FilterInputStream {
        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public void close() {
            // the caller owns the stream
        }
    }

    /** Options for {@link ObjectStore}. */
    public static final class Builder {
        private URI endpoint;
        private String accessKey;
        private String secretKey;
        private String region = "us-east-1";
        private String bucket = ObjectKeys.BUCKET;
        private RetryPolicy retry = RetryPolicy.DEFAULT;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofMinutes(5);
        private int listPageSize = 1000;

        private Builder() {
        }

        /** Server URL, e.g. {@code http://127.0.0.1:9000} (path-style addressing). Required. */
        public Builder endpoint(URI endpoint) {
            if (endpoint == null || endpoint.getScheme() == null || endpoint.getHost() == null
                    || !(endpoint.getScheme().equals("http") || endpoint.getScheme().equals("https"))) {
                throw new IllegalArgumentException("object store endpoint must be an http(s) URL, got " + endpoint);
            }
            this.endpoint = endpoint;
            return this;
        }

        /** Server URL as a string. */
        public Builder endpoint(String endpoint) {
            return endpoint(URI.create(endpoint));
        }

        /** Access and secret key. Required. */
        public Builder credentials(String accessKey, String secretKey) {
            if (accessKey == null || accessKey.isBlank() || secretKey == null || secretKey.isBlank()) {
                throw new IllegalArgumentException("object store access key and secret key must not be blank");
            }
            this.accessKey = accessKey;
            this.secretKey = secretKey;
            return this;
        }

        /** Signing region (default {@code us-east-1}); setting it saves a bucket-location lookup. */
        public Builder region(String region) {
            this.region = region;
            return this;
        }

        /** Bucket (default {@code likeness}). */
        public Builder bucket(String bucket) {
            new ObjectUri(bucket, ObjectKey.of("x")); // validates the name
            this.bucket = bucket;
            return this;
        }

        /** Backoff for transient failures (default {@link RetryPolicy#DEFAULT}). */
        public Builder retry(RetryPolicy retry) {
            this.retry = retry;
            return this;
        }

        /** TCP connect timeout (default 10 s). */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /** Socket read/write timeout (default 5 min). */
        public Builder readTimeout(Duration readTimeout) {
            this.readTimeout = readTimeout;
            return this;
        }

        /** Keys per listing request (default 1000, S3's maximum). */
        public Builder listPageSize(int listPageSize) {
            if (listPageSize < 1 || listPageSize > 1000) {
                throw new IllegalArgumentException("list page size must be 1..1000, got " + listPageSize);
            }
            this.listPageSize = listPageSize;
            return this;
        }

        /** A store for the bucket; nothing is contacted until the first call. */
        public ObjectStore build() {
            if (endpoint == null || accessKey == null) {
                throw new IllegalStateException("object store needs endpoint(...) and credentials(...)");
            }
            return new ObjectStore(this);
        }
    }
}
