package dev.likeness.deploy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/k8s/likeness.yaml is `helm template` of the chart with its default values. Regenerate it with
 * deploy/render-manifests.sh (this test with -Dlikeness.manifests.write=true).
 */
class ManifestsInSyncTest {

    static final String FIX = "deploy/render-manifests.sh   (or: ./mvnw -B -o -pl helm test "
            + "-Dtest=ManifestsInSyncTest -Dlikeness.manifests.write=true)";

    static final String HEADER = """
            # Generated from helm/likeness with its default values by deploy/render-manifests.sh:
            #   helm template likeness helm/likeness --namespace likeness --kube-version 1.31.0
            # Do not edit: change the chart and regenerate (ManifestsInSyncTest fails when this file is stale).
            """;

    @Test
    void committedManifestsMatchTheChart() throws IOException {
        Path file = Chart.repoRoot().resolve("deploy/k8s/likeness.yaml");
        String expected = HEADER + Chart.template(null);
        if (Boolean.getBoolean("likeness.manifests.write")) {
            Files.writeString(file, expected, StandardCharsets.UTF_8);
        }
        assertThat(file).as("deploy/k8s/likeness.yaml is missing; run " + FIX).exists();
        String actual = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(actual).as("deploy/k8s/likeness.yaml is stale; run " + FIX).isEqualTo(expected);
    }

    @Test
    void kustomizationListsTheManifests() throws IOException {
        String kustomization = Files.readString(Chart.repoRoot().resolve("deploy/k8s/kustomization.yaml"));
        assertThat(kustomization).contains("likeness.yaml").contains("namespace.yaml");
        assertThat(Chart.repoRoot().resolve("deploy/k8s/namespace.yaml")).exists();
        Manifests namespace = Manifests.parse(Files.readString(Chart.repoRoot().resolve("deploy/k8s/namespace.yaml")));
        namespace.all().forEach(KubernetesSchemas::validate);
        assertThat(namespace.get("Namespace", Chart.NAMESPACE)).isNotNull();
    }
}
