package dev.likeness.deploy;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Wrong values fail at template time with a message naming the problem (values.schema.json and chart checks). */
class ValuesValidationTest {

    private static void rejects(Map<String, Object> sets, String... messageParts) {
        assertThatThrownBy(() -> Chart.template(null, sets))
                .isInstanceOf(IllegalStateException.class)
                .message().contains(messageParts);
    }

    @Test
    void misspelledKeysAreRejectedBySchema() {
        rejects(Chart.sets("services.trainer.replcias", 2), "replcias");
        rejects(Chart.sets("services.traner.enabled", true), "traner");
        rejects(Chart.sets("kafka.bootstrapServer", "x:9092"), "bootstrapServer");
        rejects(Chart.sets("services.trainer.autoscaling.maxReplica", 3), "maxReplica");
    }

    @Test
    void wrongTypesAndValuesAreRejectedBySchema() {
        rejects(Chart.sets("services.trainer.replicas", "two"), "replicas");
        rejects(Chart.sets("services.trainer.flavor", "rocm"), "flavor");
        rejects(Chart.sets("kafka.securityProtocol", "SASL"), "securityProtocol");
        rejects(Chart.sets("services.trainer.modelCache.type", "hostPath"), "modelCache");
        rejects(Chart.sets("services.trainer.resources.limits.memory", "lots"), "memory");
    }

    @Test
    void chartChecksNameTheFix() {
        rejects(Chart.sets("services.trainer.resources.limits.nvidia\\.com/gpu", 1),
                "services.trainer asks for nvidia.com/gpu", "flavor=cuda");
        rejects(Chart.sets("services.trainer.replicas", 5),
                "services.trainer may run 5 replicas", "likeness.stage.train has 4 partitions");
        rejects(Chart.sets("services.trainer.autoscaling.enabled", true, "services.trainer.autoscaling.maxReplicas", 8),
                "may run 8 replicas", "kafka.topics.partitions.stageTrain");
        rejects(Chart.sets("kafka.securityProtocol", "SASL_PLAINTEXT", "kafka.sasl.mechanism", "PLAIN"),
                "kafka.sasl.existingSecret");
        rejects(Chart.sets("kafka.securityProtocol", "SSL"), "kafka.tls.existingSecret");
        rejects(Chart.sets("kafka.topics.create", true), "kafka.topics.create");
        rejects(Chart.sets("s3.existingSecret", ""), "s3.existingSecret is required");
        rejects(Chart.sets("minio.enabled", true, "minio.createSecret", true), "minio.rootPassword");
        rejects(Chart.sets("services.renderer.replicas", 2, "services.renderer.modelCache.type", "persistentVolumeClaim"),
                "ReadWriteMany");
    }

    @Test
    void theSameValuesWithoutTheMistakeRender() {
        assertThat(Chart.template(null, Chart.sets("services.trainer.replicas", 4))).contains("replicas: 4");
        assertThat(Chart.template(null, Chart.sets(
                "services.trainer.resources.limits.nvidia\\.com/gpu", 1, "services.trainer.flavor", "cuda")))
                .contains("nvidia.com/gpu: 1");
    }
}
