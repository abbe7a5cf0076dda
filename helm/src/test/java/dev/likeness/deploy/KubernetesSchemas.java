package dev.likeness.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.kubernetes.client.util.ModelMapper;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Offline validation of rendered manifests. Built-in kinds go through client-java's generated models, whose
 * {@code validateJsonElement} rejects unknown and missing required fields; custom resources (KEDA, Strimzi, Prometheus
 * operator) through JSON schemas under src/test/resources/crd-schemas/, written from the CRDs' documented fields.
 */
final class KubernetesSchemas {

    private static final Gson GSON = new Gson();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> CUSTOM_GROUPS = Set.of("keda.sh", "kafka.strimzi.io", "monitoring.coreos.com");
    private static final Map<String, JsonSchema> CRD_SCHEMAS = new ConcurrentHashMap<>();

    private KubernetesSchemas() {
    }

    /** Throws an AssertionError naming the manifest and every violation. */
    static void validate(Map<String, Object> manifest) {
        String apiVersion = (String) manifest.get("apiVersion");
        String kind = (String) manifest.get("kind");
        String name = String.valueOf(Manifests.at(manifest, "metadata.name"));
        if (apiVersion == null || kind == null) {
            throw new AssertionError("manifest without apiVersion/kind: " + manifest);
        }
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        if (CUSTOM_GROUPS.contains(group)) {
            validateCustom(apiVersion, kind, name, manifest);
        } else {
            validateBuiltIn(apiVersion, kind, name, manifest);
        }
    }

    private static void validateBuiltIn(String apiVersion, String kind, String name, Map<String, Object> manifest) {
        Class<?> type = ModelMapper.getApiTypeClass(apiVersion, kind);
        // kinds client-java does not know come back as null or as the schemaless DynamicKubernetesObject
        if (type == null || !type.getPackageName().equals("io.kubernetes.client.openapi.models")) {
            throw new AssertionError("unknown Kubernetes kind " + apiVersion + "/" + kind + " (" + name + ")");
        }
        JsonElement json = GSON.toJsonTree(manifest);
        try {
            Method validate = type.getMethod("validateJsonElement", JsonElement.class);
            validate.invoke(null, json);
        } catch (InvocationTargetException e) {
            throw new AssertionError(kind + "/" + name + " is not a valid " + apiVersion + " " + kind + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("client-java model " + type + " has no validateJsonElement", e);
        }
    }

    private static void validateCustom(String apiVersion, String kind, String name, Map<String, Object> manifest) {
        String resource = "/crd-schemas/" + apiVersion.replace('/', '_') + "_" + kind + ".json";
        JsonSchema schema = CRD_SCHEMAS.computeIfAbsent(resource, KubernetesSchemas::load);
        JsonNode json = JSON.valueToTree(manifest);
        Set<ValidationMessage> errors = schema.validate(json);
        if (!errors.isEmpty()) {
            List<String> messages = errors.stream().map(ValidationMessage::getMessage).sorted().toList();
            throw new AssertionError(kind + "/" + name + " violates " + resource + ": " + messages);
        }
    }

    private static JsonSchema load(String resource) {
        try (InputStream in = KubernetesSchemas.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new AssertionError("no schema " + resource + " for this custom resource: write one from its CRD");
            }
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
    }
}
