package dev.likeness.deploy;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Rendered Kubernetes manifests as plain maps, with path look-ups for assertions. */
final class Manifests {

    private final List<Map<String, Object>> documents;

    private Manifests(List<Map<String, Object>> documents) {
        this.documents = documents;
    }

    @SuppressWarnings("unchecked")
    static Manifests parse(String multiDocumentYaml) {
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : yaml.loadAll(multiDocumentYaml)) {
            if (doc == null) {
                continue;
            }
            if (!(doc instanceof Map)) {
                throw new IllegalStateException("a rendered document is not a mapping: " + doc);
            }
            docs.add((Map<String, Object>) doc);
        }
        return new Manifests(docs);
    }

    List<Map<String, Object>> all() {
        return documents;
    }

    List<Map<String, Object>> ofKind(String kind) {
        return documents.stream().filter(d -> kind.equals(d.get("kind"))).toList();
    }

    Optional<Map<String, Object>> find(String kind, String name) {
        return ofKind(kind).stream().filter(d -> name.equals(at(d, "metadata.name"))).findFirst();
    }

    Map<String, Object> get(String kind, String name) {
        return find(kind, name).orElseThrow(() -> new AssertionError(
                "no " + kind + " named " + name + "; rendered: " + names()));
    }

    List<String> names() {
        return documents.stream().map(d -> d.get("kind") + "/" + at(d, "metadata.name")).toList();
    }

    /** The single container of a Deployment. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> container(Map<String, Object> deployment) {
        List<Object> containers = (List<Object>) at(deployment, "spec.template.spec.containers");
        return (Map<String, Object>) containers.get(0);
    }

    /** Environment of a container as name → value, or name → "secret:name/key" for secret references. */
    @SuppressWarnings("unchecked")
    static Map<String, String> env(Map<String, Object> container) {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        for (Object item : (List<Object>) container.get("env")) {
            Map<String, Object> var = (Map<String, Object>) item;
            Object secretName = at(var, "valueFrom.secretKeyRef.name");
            if (secretName != null) {
                env.put((String) var.get("name"), "secret:" + secretName + "/" + at(var, "valueFrom.secretKeyRef.key"));
            } else {
                env.put((String) var.get("name"), String.valueOf(var.get("value")));
            }
        }
        return env;
    }

    /** Value at a dotted path ("spec.template.spec"); list items by index ("containers.0"); null if absent. */
    @SuppressWarnings("unchecked")
    static Object at(Object node, String path) {
        Object current = node;
        for (String part : path.split("\\.")) {
            if (current instanceof Map<?, ?> map) {
                current = ((Map<String, Object>) map).get(part);
            } else if (current instanceof List<?> list && part.chars().allMatch(Character::isDigit)) {
                int index = Integer.parseInt(part);
                current = index < list.size() ? list.get(index) : null;
            } else {
                return null;
            }
            if (current == null) {
                return null;
            }
        }
        return current;
    }
}
