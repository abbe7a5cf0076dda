package dev.likeness.cli.jobs;

import dev.likeness.client.ClientSettings;
import dev.likeness.client.LikenessClient;
import picocli.CommandLine.Option;

import java.net.URI;

/**
 * Where the Likeness installation is, for the job commands: options, else the environment variables the services
 * read ({@code KAFKA_BOOTSTRAP_SERVERS}, {@code LIKENESS_S3_*}), else the local stack's defaults.
 */
public final class ClientOptions {

    @Option(names = "--kafka", description = "Kafka bootstrap servers (default: $KAFKA_BOOTSTRAP_SERVERS or "
            + ClientSettings.LOCAL_KAFKA + ")")
    String kafka;

    @Option(names = "--s3-endpoint", description = "S3 endpoint (default: $LIKENESS_S3_ENDPOINT or "
            + ClientSettings.LOCAL_S3 + ")")
    String s3Endpoint;

    @Option(names = "--bucket", description = "S3 bucket (default: $LIKENESS_S3_BUCKET or likeness)")
    String bucket;

    /** The settings these options (and the environment) describe. */
    public ClientSettings settings() {
        ClientSettings env = ClientSettings.fromEnvironment(System.getenv());
        return new ClientSettings(kafka != null ? kafka : env.kafkaBootstrapServers(),
                s3Endpoint != null ? URI.create(s3Endpoint) : env.s3Endpoint(), env.s3AccessKey(), env.s3SecretKey(),
                env.s3Region(), bucket != null ? bucket : env.bucket());
    }

    public LikenessClient connect() {
        return LikenessClient.connect(settings());
    }
}
