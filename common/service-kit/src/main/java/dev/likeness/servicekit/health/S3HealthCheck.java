package dev.likeness.servicekit.health;

import dev.likeness.servicekit.s3.MinioClientProducer;
import dev.likeness.servicekit.s3.S3Config;
import io.minio.BucketExistsArgs;
import io.minio.MinioClient;
import io.minio.errors.ErrorResponseException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.Map;

/** Readiness: the S3 endpoint answers, accepts our credentials, and the configured bucket exists. */
@ApplicationScoped
public class S3HealthCheck implements HealthCheck {

    private final S3Config config;
    private final MinioClient client;

    @Inject
    public S3HealthCheck(S3Config config) {
        this.config = config;
        // its own client with short timeouts, so a hung S3 cannot hang the health endpoint
        this.client = MinioClientProducer.create(config, Duration.ofSeconds(2), Duration.ofSeconds(3));
    }

    @Override
    public String name() {
        return "s3";
    }

    @Override
    public Kind kind() {
        return Kind.READINESS;
    }

    @Override
    public CheckResult check() {
        try {
            boolean exists = client.bucketExists(BucketExistsArgs.builder().bucket(config.bucket()).build());
            if (!exists) {
                return CheckResult.down(name(), "bucket '" + config.bucket() + "' does not exist at "
                        + config.endpoint());
            }
            return CheckResult.up(name(), Map.of("endpoint", config.endpoint(), "bucket", config.bucket()));
        } catch (ErrorResponseException e) {
            // the server answered: say what it said, not the whole request dump
            return CheckResult.down(name(), config.endpoint() + ": " + e.errorResponse().code() + " ("
                    + e.errorResponse().message() + ")");
        } catch (Exception e) {
            return CheckResult.down(name(), config.endpoint() + ": " + e);
        }
    }
}
