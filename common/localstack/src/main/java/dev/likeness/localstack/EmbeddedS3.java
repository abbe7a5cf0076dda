package dev.likeness.localstack;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An S3-compatible server (S3Proxy) on 127.0.0.1 that stores each bucket as a folder under {@code dir}. Path-style
 * addressing, any region, AWS V2 or V4 signatures checked against one access/secret key pair.
 */
final class EmbeddedS3 implements AutoCloseable {

    private final S3Proxy proxy;
    private final BlobStore store;
    private final URI endpoint;

    private EmbeddedS3(S3Proxy proxy, BlobStore store, URI endpoint) {
        this.proxy = proxy;
        this.store = store;
        this.endpoint = endpoint;
    }

    static EmbeddedS3 start(Path dir, int port, String accessKey, String secretKey, String bucket) throws IOException {
        Files.createDirectories(dir);
        BlobStore store = new FilesystemNio2BlobStore(dir.toAbsolutePath().toString());
        if (!store.containerExists(bucket)) {
            store.createContainer(bucket);
        }
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(endpoint)
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .jettyMaxThreads(16)
                .build();
        try {
            proxy.start();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!"STARTED".equals(proxy.getState())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("S3Proxy state is " + proxy.getState() + " after 30 s");
                }
                Thread.sleep(10);
            }
        } catch (Exception e) {
            store.close();
            throw new IllegalStateException("S3 server on " + endpoint + " did not start: " + e.getMessage(), e);
        }
        return new EmbeddedS3(proxy, store, endpoint);
    }

    URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("stopping S3Proxy on " + endpoint + " failed", e);
        } finally {
            store.close();
        }
    }
}
