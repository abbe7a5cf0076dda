package dev.likeness.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The chart under test, rendered offline with helm-java (Helm's own template engine, no cluster). */
final class Chart {

    static final String RELEASE = "likeness";
    static final String NAMESPACE = "likeness";
    /** Offline rendering assumes Kubernetes 1.20 unless told; the chart needs 1.27+. */
    static final String KUBE_VERSION = "v1.31.0";

    private Chart() {
    }

    /** The module folder ({@code helm/}), whether Maven runs from it or from the reactor root. */
    static Path moduleDir() {
        Path here = Path.of("").toAbsolutePath();
        if (Files.isDirectory(here.resolve("likeness")) && Files.exists(here.resolve("pom.xml"))) {
            return here;
        }
        Path nested = here.resolve("helm");
        if (Files.isDirectory(nested.resolve("likeness"))) {
            return nested;
        }
        throw new IllegalStateException("cannot find the chart helm/likeness from " + here);
    }

    static Path chartDir() {
        return moduleDir().resolve("likeness");
    }

    static Path repoRoot() {
        return moduleDir().getParent();
    }

    /** A values file under src/test/resources/values/. */
    static Path valuesFile(String name) {
        Path file = moduleDir().resolve("src/test/resources/values").resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no values file " + file);
        }
        return file;
    }

    /** Renders the chart as `helm template likeness helm/likeness --namespace likeness --kube-version 1.31.0 [-f file]
     *  [--set k=v]`. */
    static String template(String valuesFileOrNull, Map<String, Object> sets) {
        TemplateCommand command = new Helm(chartDir()).template().withName(RELEASE).withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION);
        if (valuesFileOrNull != null) {
            command = command.withValuesFile(valuesFile(valuesFileOrNull));
        }
        for (Map.Entry<String, Object> set : sets.entrySet()) {
            command = command.set(set.getKey(), set.getValue());
        }
        return command.call();
    }

    static String template(String valuesFileOrNull) {
        return template(valuesFileOrNull, Map.of());
    }

    /** Renders and parses into manifests. */
    static Manifests render(String valuesFileOrNull, Map<String, Object> sets) {
        return Manifests.parse(template(valuesFileOrNull, sets));
    }

    static Manifests render(String valuesFileOrNull) {
        return render(valuesFileOrNull, Map.of());
    }

    /** Keeps --set order stable in messages. */
    static Map<String, Object> sets(Object... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    /** The values sets kept under src/test/resources/values/. */
    static List<String> valuesSets() {
        return List.of("defaults.yaml", "gpu-trainers.yaml", "keda.yaml", "external-kafka-sasl.yaml",
                "self-contained.yaml");
    }
}
