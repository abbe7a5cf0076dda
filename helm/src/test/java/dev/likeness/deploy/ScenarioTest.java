package dev.likeness.deploy;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.likeness.deploy.Manifests.at;
import static dev.likeness.deploy.Manifests.container;
import static dev.likeness.deploy.Manifests.env;
import static org.assertj.core.api.Assertions.assertThat;

/** What each values set promises appears in the rendered manifests, where it was configured and nowhere else. */
@SuppressWarnings("unchecked")
class ScenarioTest {

    private static final List<String> SERVICES = List.of("prior-generator", "trainer", "evaluator", "renderer");

    @Test
    void defaultsRenderFourHardenedCpuServicesWithProbesAndSecretCredentials() {
        Manifests m = Chart.render("defaults.yaml");
        assertThat(m.ofKind("Deployment")).hasSize(4);
        assertThat(m.ofKind("Service")).hasSize(4);
        assertThat(m.ofKind("PodDisruptionBudget")).hasSize(4);
        assertThat(m.ofKind("ScaledObject")).isEmpty();
        assertThat(m.ofKind("KafkaTopic")).isEmpty();
        assertThat(m.ofKind("Secret")).as("credentials come from existing Secrets").isEmpty();
        for (String service : SERVICES) {
            Map<String, Object> deployment = m.get("Deployment", "likeness-" + service);
            Map<String, Object> pod = (Map<String, Object>) at(deployment, "spec.template.spec");
            Map<String, Object> c = container(deployment);
            assertThat(at(deployment, "spec.replicas")).isEqualTo(1);
            assertThat(c.get("image")).isEqualTo("likeness/" + service + ":0.1.0-cpu");
            assertThat(at(c, "ports.0.containerPort")).isEqualTo(8080);
            assertThat(at(c, "readinessProbe.httpGet.path")).isEqualTo("/q/health/ready");
            assertThat(at(c, "livenessProbe.httpGet.path")).isEqualTo("/q/health/live");
            assertThat(at(c, "startupProbe.httpGet.path")).isEqualTo("/q/health/live");
            assertThat(at(pod, "securityContext.runAsNonRoot")).isEqualTo(true);
            assertThat(at(pod, "securityContext.runAsUser")).isEqualTo(1001);
            assertThat(at(c, "securityContext.readOnlyRootFilesystem")).isEqualTo(true);
            assertThat(at(c, "securityContext.allowPrivilegeEscalation")).isEqualTo(false);
            assertThat(at(c, "securityContext.capabilities.drop")).isEqualTo(List.of("ALL"));
            assertThat(mountPaths(c)).containsExactly("/tmp", "/var/cache/likeness");
            assertThat(at(pod, "volumes.0.emptyDir")).isNotNull();
            assertThat(at(pod, "volumes.1.name")).isEqualTo("model-cache");
            assertThat(at(pod, "tolerations")).as("no GPU asked, no GPU toleration").isNull();
            assertThat((Map<String, Object>) at(c, "resources.limits")).doesNotContainKey("nvidia.com/gpu");

            Map<String, String> env = env(c);
            assertThat(env).containsEntry("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")
                    .containsEntry("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT")
                    .containsEntry("LIKENESS_S3_ACCESS_KEY", "secret:likeness-s3/access-key")
                    .containsEntry("LIKENESS_S3_SECRET_KEY", "secret:likeness-s3/secret-key")
                    .containsEntry("LIKENESS_S3_BUCKET", "likeness")
                    .containsEntry("DJL_CACHE_DIR", "/var/cache/likeness/djl")
                    .doesNotContainKeys("KAFKA_SASL_JAAS_CONFIG", "KAFKA_SSL_TRUSTSTORE_LOCATION");

            assertThat(at(m.get("Service", "likeness-" + service), "spec.ports.0.port")).isEqualTo(8080);
            assertThat(at(m.get("PodDisruptionBudget", "likeness-" + service), "spec.selector.matchLabels"))
                    .isEqualTo(at(deployment, "spec.selector.matchLabels"));
        }
        assertThat(at(m.get("Deployment", "likeness-trainer"), "spec.template.spec.terminationGracePeriodSeconds"))
                .as("trainers need time to checkpoint and hand the job back").isEqualTo(600);
    }

    @Test
    void gpuTrainersGetGpuLimitsCudaImagesTolerationsAndPlacement() {
        Manifests m = Chart.render("gpu-trainers.yaml");
        Map<String, Object> trainer = m.get("Deployment", "likeness-trainer");
        Map<String, Object> pod = (Map<String, Object>) at(trainer, "spec.template.spec");
        Map<String, Object> c = container(trainer);
        assertThat(c.get("image")).isEqualTo("likeness/trainer:0.1.0-cuda");
        assertThat(((Map<?, ?>) at(c, "resources.limits")).get("nvidia.com/gpu")).isEqualTo(1);
        assertThat(at(pod, "tolerations")).isEqualTo(List.of(
                Map.of("key", "nvidia.com/gpu", "operator", "Exists", "effect", "NoSchedule")));
        assertThat(at(pod, "nodeSelector")).isEqualTo(Map.of("nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3"));
        assertThat(pod.get("runtimeClassName")).isEqualTo("nvidia");
        assertThat(pod.get("priorityClassName")).isEqualTo("likeness-training");
        assertThat(at(trainer, "spec.replicas")).isEqualTo(2);
        assertThat(at(trainer, "spec.strategy.rollingUpdate.maxSurge")).as("no surge pod waiting for a GPU")
                .isEqualTo(0);
        assertThat(env(c)).containsEntry("OMP_NUM_THREADS", "4");
        assertThat(at(pod, "volumes.1.ephemeral.volumeClaimTemplate.spec.storageClassName")).isEqualTo("fast-ssd");
        assertThat(at(pod, "volumes.1.ephemeral.volumeClaimTemplate.spec.resources.requests.storage"))
                .isEqualTo("100Gi");

        Map<String, Object> renderer = m.get("Deployment", "likeness-renderer");
        assertThat(at(renderer, "spec.template.spec.tolerations.0.key")).as("explicit tolerations win")
                .isEqualTo("dedicated");
        assertThat(at(renderer, "spec.template.spec.tolerations")).asList().hasSize(2);
        assertThat(at(renderer, "spec.template.spec.affinity.nodeAffinity")).isNotNull();

        Map<String, Object> evaluator = m.get("Deployment", "likeness-evaluator");
        assertThat(container(evaluator).get("image")).isEqualTo("likeness/evaluator:0.1.0-cpu");
        assertThat(at(evaluator, "spec.template.spec.tolerations")).isNull();
        assertThat(at(evaluator, "spec.template.spec.nodeSelector")).isNull();
        assertThat(at(evaluator, "spec.template.spec.runtimeClassName")).isNull();
    }

    @Test
    void kedaScalesTrainersOnConsumerLagWithinThePartitionCount() {
        Manifests m = Chart.render("keda.yaml");
        Map<String, Object> so = m.get("ScaledObject", "likeness-trainer");
        assertThat(at(so, "spec.scaleTargetRef.name")).isEqualTo("likeness-trainer");
        assertThat(at(so, "spec.minReplicaCount")).isEqualTo(0);
        assertThat(at(so, "spec.maxReplicaCount")).isEqualTo(4);
        Map<String, Object> trigger = (Map<String, Object>) at(so, "spec.triggers.0");
        assertThat(trigger.get("type")).isEqualTo("kafka");
        assertThat((Map<String, Object>) trigger.get("metadata"))
                .containsEntry("bootstrapServers", "kafka:9092")
                .containsEntry("consumerGroup", "likeness-trainer")
                .containsEntry("topic", "likeness.stage.train")
                .containsEntry("lagThreshold", "1")
                .containsEntry("allowIdleConsumers", "false");
        assertThat(trigger).doesNotContainKey("authenticationRef");
        assertThat(at(m.get("Deployment", "likeness-trainer"), "spec.replicas"))
                .as("KEDA owns the replica count").isNull();
        assertThat(at(m.get("ScaledObject", "likeness-renderer"), "spec.triggers.0.metadata.consumerGroup"))
                .isEqualTo("likeness-renderer");
        assertThat(m.find("ScaledObject", "likeness-evaluator")).isEmpty();
        assertThat(at(m.get("Deployment", "likeness-evaluator"), "spec.replicas")).isEqualTo(1);
        assertThat(m.ofKind("TriggerAuthentication")).isEmpty();

        Map<String, Object> monitor = m.get("ServiceMonitor", "likeness");
        assertThat(at(monitor, "spec.endpoints.0.path")).isEqualTo("/q/metrics");
        assertThat(at(monitor, "spec.endpoints.0.port")).isEqualTo("http");
        assertThat(at(monitor, "metadata.labels.release")).isEqualTo("prometheus");
    }

    @Test
    void externalKafkaWithSaslTakesEveryCredentialFromSecrets() {
        Manifests m = Chart.render("external-kafka-sasl.yaml");
        for (String service : SERVICES) {
            Map<String, Object> deployment = m.get("Deployment", "likeness-" + service);
            Map<String, Object> c = container(deployment);
            assertThat(env(c))
                    .containsEntry("KAFKA_BOOTSTRAP_SERVERS", "b-1.kafka.example.com:9096,b-2.kafka.example.com:9096")
                    .containsEntry("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
                    .containsEntry("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")
                    .containsEntry("KAFKA_SASL_JAAS_CONFIG", "secret:likeness-kafka-credentials/jaas")
                    .containsEntry("KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/likeness/kafka-tls/truststore.p12")
                    .containsEntry("KAFKA_SSL_TRUSTSTORE_TYPE", "PKCS12")
                    .containsEntry("KAFKA_SSL_TRUSTSTORE_PASSWORD", "secret:likeness-kafka-ca/truststore-password")
                    .containsEntry("LIKENESS_S3_ENDPOINT", "https://s3.eu-west-1.amazonaws.com")
                    .containsEntry("LIKENESS_S3_ACCESS_KEY", "secret:likeness-aws/AWS_ACCESS_KEY_ID")
                    .containsEntry("LIKENESS_S3_SECRET_KEY", "secret:likeness-aws/AWS_SECRET_ACCESS_KEY");
            assertThat(mountPaths(c)).contains("/etc/likeness/kafka-tls");
            assertThat(at(deployment, "spec.template.spec.volumes.2.secret.secretName")).isEqualTo("likeness-kafka-ca");
        }
        Map<String, Object> trigger = (Map<String, Object>) at(m.get("ScaledObject", "likeness-trainer"),
                "spec.triggers.0");
        assertThat(at(trigger, "metadata.sasl")).isEqualTo("scram_sha512");
        assertThat(at(trigger, "metadata.tls")).isEqualTo("enable");
        assertThat(at(trigger, "authenticationRef.name")).isEqualTo("likeness-trainer-kafka");
        Map<String, Object> auth = m.get("TriggerAuthentication", "likeness-trainer-kafka");
        assertThat(at(auth, "spec.secretTargetRef")).isEqualTo(List.of(
                Map.of("parameter", "username", "name", "likeness-kafka-credentials", "key", "user"),
                Map.of("parameter", "password", "name", "likeness-kafka-credentials", "key", "pass"),
                Map.of("parameter", "ca", "name", "likeness-kafka-ca", "key", "ca.pem")));
        assertThat(m.ofKind("Secret")).isEmpty();
        assertThat(m.toString()).doesNotContainIgnoringCase("password=");
    }

    @Test
    void selfContainedAddsStrimziKraftKafkaTopicsAndMinio() {
        Manifests m = Chart.render("self-contained.yaml");
        Map<String, Object> kafka = m.get("Kafka", "likeness-kafka");
        assertThat(at(kafka, "metadata.annotations")).isEqualTo(
                Map.of("strimzi.io/node-pools", "enabled", "strimzi.io/kraft", "enabled"));
        assertThat(((Map<?, ?>) at(kafka, "spec.kafka.config")).get("offsets.topic.replication.factor")).isEqualTo(3);
        Map<String, Object> pool = m.get("KafkaNodePool", "likeness-kafka-pool");
        assertThat(at(pool, "spec.roles")).isEqualTo(List.of("controller", "broker"));
        assertThat(at(pool, "spec.replicas")).isEqualTo(3);
        assertThat(((Map<?, ?>) at(pool, "metadata.labels")).get("strimzi.io/cluster")).isEqualTo("likeness-kafka");

        List<Map<String, Object>> topics = m.ofKind("KafkaTopic");
        assertThat(topics.stream().map(t -> at(t, "spec.topicName")).toList()).containsExactlyInAnyOrder(
                "likeness.jobs", "likeness.stage.prior", "likeness.stage.train", "likeness.stage.evaluate",
                "likeness.render", "likeness.events", "likeness.control", "likeness.deadletter");
        for (Map<String, Object> topic : topics) {
            assertThat(((Map<?, ?>) at(topic, "metadata.labels")).get("strimzi.io/cluster")).isEqualTo("likeness-kafka");
            assertThat(at(topic, "spec.replicas")).isEqualTo(3);
        }
        assertThat(topics.stream().filter(t -> "likeness.stage.train".equals(at(t, "spec.topicName")))
                .map(t -> at(t, "spec.partitions")).toList()).containsExactly(4);

        assertThat(m.find("Deployment", "likeness-minio")).isPresent();
        assertThat(m.find("Service", "likeness-minio")).isPresent();
        assertThat(m.find("PersistentVolumeClaim", "likeness-minio")).isPresent();
        Map<String, Object> bucketJob = m.get("Job", "likeness-minio-bucket-1");
        assertThat(m.find("KafkaTopic", "likeness-stage-train")).isPresent();
        assertThat((List<Object>) at(bucketJob, "spec.template.spec.containers.0.args")).contains("local/likeness");
        Map<String, Object> secret = m.get("Secret", "likeness-s3");
        assertThat((Map<String, Object>) secret.get("data")).containsOnlyKeys("access-key", "secret-key");

        Map<String, Object> trainer = container(m.get("Deployment", "likeness-trainer"));
        assertThat(env(trainer))
                .containsEntry("KAFKA_BOOTSTRAP_SERVERS", "likeness-kafka-kafka-bootstrap.likeness.svc:9092")
                .containsEntry("LIKENESS_S3_ENDPOINT", "http://likeness-minio.likeness.svc:9000")
                .containsEntry("LIKENESS_S3_ACCESS_KEY", "secret:likeness-s3/access-key");
        assertThat(m.find("Deployment", "likeness-evaluator")).as("disabled service").isEmpty();
        assertThat(m.find("Service", "likeness-evaluator")).isEmpty();
        assertThat(m.find("PodDisruptionBudget", "likeness-evaluator")).isEmpty();

        assertThat(at(m.get("PersistentVolumeClaim", "likeness-renderer-model-cache"), "spec.accessModes"))
                .isEqualTo(List.of("ReadWriteMany"));
        assertThat(at(m.get("Deployment", "likeness-renderer"),
                "spec.template.spec.volumes.1.persistentVolumeClaim.claimName"))
                .isEqualTo("likeness-renderer-model-cache");
        assertThat(env(container(m.get("Deployment", "likeness-renderer"))))
                .containsEntry("QUARKUS_LOG_LEVEL", "DEBUG");
    }

    @SuppressWarnings("unchecked")
    private static List<Object> mountPaths(Map<String, Object> container) {
        return ((List<Map<String, Object>>) container.get("volumeMounts")).stream()
                .map(mount -> mount.get("mountPath")).toList();
    }
}
