package dev.likeness.deploy;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The offline validator itself catches what `kubectl apply` would reject, so a passing render means something. */
@SuppressWarnings("unchecked")
class KubernetesSchemasTest {

    @Test
    void acceptsARenderedDeploymentAndRejectsAnUnknownOrMissingField() {
        Map<String, Object> deployment = Chart.render(null).get("Deployment", "likeness-trainer");
        assertThatCode(() -> KubernetesSchemas.validate(deployment)).doesNotThrowAnyException();

        Map<String, Object> container = Manifests.container(deployment);
        container.put("imagePullPolcy", "Always");
        assertThatThrownBy(() -> KubernetesSchemas.validate(deployment))
                .isInstanceOf(AssertionError.class).hasMessageContaining("imagePullPolcy");
        container.remove("imagePullPolcy");

        container.remove("name");
        assertThatThrownBy(() -> KubernetesSchemas.validate(deployment))
                .isInstanceOf(AssertionError.class).hasMessageContaining("name");
    }

    @Test
    void rejectsUnknownKinds() {
        Map<String, Object> bogus = Map.of("apiVersion", "apps/v1", "kind", "Deploymint",
                "metadata", Map.of("name", "x"));
        assertThatThrownBy(() -> KubernetesSchemas.validate(bogus)).hasMessageContaining("Deploymint");
    }

    @Test
    void customResourcesAreCheckedAgainstTheirSchemas() {
        Manifests m = Chart.render("keda.yaml");
        Map<String, Object> scaledObject = m.get("ScaledObject", "likeness-trainer");
        assertThatCode(() -> KubernetesSchemas.validate(scaledObject)).doesNotThrowAnyException();

        Map<String, Object> metadata = (Map<String, Object>) Manifests.at(scaledObject, "spec.triggers.0.metadata");
        metadata.put("consumerGroupp", "likeness-trainer");
        assertThatThrownBy(() -> KubernetesSchemas.validate(scaledObject)).hasMessageContaining("consumerGroupp");
        metadata.remove("consumerGroupp");

        ((Map<String, Object>) scaledObject.get("spec")).put("triggers", List.of());
        assertThatThrownBy(() -> KubernetesSchemas.validate(scaledObject)).hasMessageContaining("triggers");

        Map<String, Object> topic = Chart.render("self-contained.yaml").get("KafkaTopic", "likeness-jobs");
        ((Map<String, Object>) Manifests.at(topic, "metadata.labels")).remove("strimzi.io/cluster");
        assertThatThrownBy(() -> KubernetesSchemas.validate(topic)).hasMessageContaining("strimzi.io/cluster");
    }
}
