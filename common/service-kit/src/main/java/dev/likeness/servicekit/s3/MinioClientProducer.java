package dev.likeness.servicekit.s3;

import io.minio.MinioClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import okhttp3.OkHttpClient;

import java.net.URI;
import java.time.Duration;

/** The service's one S3 client, built from {@link S3Config}. */
@ApplicationScoped
public class MinioClientProducer {

    @Produces
    @Singleton
    MinioClient minioClient(S3Config config) {
        // long read/write timeouts: checkpoints are hundreds of MB; a short connect timeout fails fast when S3 is down
        return create(config, Duration.ofSeconds(5), Duration.ofMinutes(10));
    }

    /** A client for {@code config}; the endpoint must be an http(s) URL. */
    public static MinioClient create(S3Config config, Duration connectTimeout, Duration ioTimeout) {
        URI endpoint = URI.create(config.endpoint());
        if (endpoint.getScheme() == null || !endpoint.getScheme().startsWith("http") || endpoint.getHost() == null) {
            throw new IllegalArgumentException("likeness.s3.endpoint must be an http(s) URL, got '"
                    + config.endpoint() + "'");
        }
        OkHttpClient http = new OkHttpClient.Builder()
                .connectTimeout(connectTimeout)
                .readTimeout(ioTimeout)
                .writeTimeout(ioTimeout)
                .build();
        return MinioClient.builder()
                .endpoint(config.endpoint())
                .credentials(config.accessKey(), config.secretKey())
                .region(config.region())
                .httpClient(http)
                .build();
    }
}
