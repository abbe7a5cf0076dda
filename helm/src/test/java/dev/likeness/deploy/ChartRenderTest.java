package dev.likeness.deploy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every values set renders, and every rendered manifest is valid against the Kubernetes API or its CRD schema. */
class ChartRenderTest {

    static List<String> valuesSets() {
        return Chart.valuesSets();
    }

    @ParameterizedTest
    @MethodSource("valuesSets")
    void everyManifestIsSchemaValid(String valuesFile) {
        Manifests manifests = Chart.render(valuesFile);
        assertThat(manifests.all()).isNotEmpty();
        for (Map<String, Object> manifest : manifests.all()) {
            KubernetesSchemas.validate(manifest);
        }
    }

    @ParameterizedTest
    @MethodSource("valuesSets")
    void everyNamespacedResourceIsInTheReleaseNamespaceAndNamesAreUnique(String valuesFile) {
        Manifests manifests = Chart.render(valuesFile);
        for (Map<String, Object> manifest : manifests.all()) {
            assertThat(Manifests.at(manifest, "metadata.namespace")).as(manifests.names().toString())
                    .isEqualTo(Chart.NAMESPACE);
        }
        assertThat(manifests.names()).doesNotHaveDuplicates();
    }
}
