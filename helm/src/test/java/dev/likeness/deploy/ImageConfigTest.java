package dev.likeness.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.InputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.likeness.deploy.Manifests.at;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The container images cannot be built here (no registry, no Docker), so this reads the effective Jib configuration
 * from the poms (parent pluginManagement + the "cuda" profile + each service's "image" profile), resolves its
 * properties like Maven would, and checks it against what the chart and DJL expect.
 */
class ImageConfigTest {

    private static final List<String> SERVICES = List.of("prior-generator", "trainer", "evaluator", "renderer");
    private static final Pattern PROPERTY = Pattern.compile("\\$\\{([^}]+)}");
    private static final String NATIVE_CPU_JAR = "/deployments/lib/main/ai.djl.pytorch.pytorch-native-cpu-2.7.1-linux-x86_64.jar";

    /** Jib settings after property resolution, for one service and flavor. */
    record Image(String from, String to, String user, List<String> entrypoint, List<String> ports,
                 List<String> volumes, Map<String, String> environment, Map<String, String> extraDirectories,
                 List<String> filteredGlobs) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"prior-generator", "trainer", "evaluator", "renderer"})
    void cpuImageRunsTheQuarkusFastJarAsNonRootWithCacheVolumes(String service) throws Exception {
        Image image = image(service, false);
        assertThat(image.from()).startsWith("eclipse-temurin:17-jre");
        assertThat(image.to()).isEqualTo("likeness/" + service + ":0.1.0-SNAPSHOT-cpu");
        assertThat(image.user()).isEqualTo("1001:1001");
        assertThat(image.entrypoint()).first().isEqualTo("java");
        assertThat(image.entrypoint()).endsWith("-jar", "/deployments/quarkus-run.jar");
        assertThat(image.entrypoint()).contains("-Dai.djl.offline=true");
        assertThat(image.ports()).containsExactly("8080");
        assertThat(image.volumes()).containsExactlyInAnyOrder("/tmp", "/var/cache/likeness");
        assertThat(image.environment())
                .containsEntry("DJL_CACHE_DIR", "/var/cache/likeness/djl")
                .containsEntry("ENGINE_CACHE_DIR", "/var/cache/likeness/djl")
                .doesNotContainKeys("PYTORCH_FLAVOR", "PYTORCH_VERSION");
        assertThat(image.extraDirectories())
                .containsEntry("target/quarkus-app/lib", "/deployments/lib")
                .containsEntry("target/quarkus-app/quarkus", "/deployments/quarkus")
                .containsEntry("target/quarkus-app/app", "/deployments/app")
                .containsEntry("target/quarkus-app[quarkus-run.jar]", "/deployments");
        assertThat(matchesAny(image.filteredGlobs(), "/app/libs/x.jar")).as("Jib's own layers are dropped").isTrue();
        assertThat(matchesAny(image.filteredGlobs(), NATIVE_CPU_JAR)).as("CPU libtorch stays").isFalse();
    }

    @Test
    void cudaImageUsesTheLibtorchBaseAndLeavesTheCpuLibraryOut() throws Exception {
        for (String service : SERVICES) {
            Image image = image(service, true);
            assertThat(image.from()).isEqualTo("likeness/base-cuda:2.7.1-cu128");
            assertThat(image.to()).isEqualTo("likeness/" + service + ":0.1.0-SNAPSHOT-cuda");
            assertThat(matchesAny(image.filteredGlobs(), NATIVE_CPU_JAR)).isTrue();
            assertThat(matchesAny(image.filteredGlobs(), "/deployments/lib/main/ai.djl.pytorch.pytorch-jni-2.7.1-0.35.1.jar"))
                    .as("the JNI jar must stay: DJL reads jnilib/pytorch.properties from it").isFalse();
        }
    }

    @Test
    void cudaBaseImagePutsDjlsCu128JniNextToLibtorch271() throws Exception {
        String dockerfile = Files.readString(Chart.repoRoot().resolve("deploy/images/cuda-base/Dockerfile"));
        assertThat(dockerfile).contains("libtorch-cxx11-abi-shared-with-deps-2.7.1%2Bcu128.zip")
                .contains("COPY libdjl_torch.so /opt/libtorch/lib/libdjl_torch.so")
                .contains("PYTORCH_LIBRARY_PATH=/opt/libtorch/lib")
                .doesNotContain("PYTORCH_FLAVOR").doesNotContain("PYTORCH_VERSION=");
        String build = Files.readString(Chart.repoRoot().resolve("deploy/images/cuda-base/build.sh"));
        Properties parent = parentProperties();
        String jniVersion = parent.getProperty("pytorch.version") + "-" + parent.getProperty("djl.version");
        assertThat(build).contains("jni_version=\"" + jniVersion + "\"").contains("jnilib/linux-x86_64/cu128/libdjl_torch.so");

        // the JNI jar the services ship has the cu128 build for this libtorch version
        assertThat(getClass().getClassLoader().getResource("jnilib/linux-x86_64/cu128/libdjl_torch.so")).isNotNull();
        Properties jni = new Properties();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("jnilib/pytorch.properties")) {
            jni.load(in);
        }
        assertThat(jni.getProperty("jni_version")).startsWith(jniVersion);
    }

    @Test
    void chartDefaultsMatchTheImage() throws Exception {
        Manifests m = Chart.render(null);
        for (String service : SERVICES) {
            Image image = image(service, false);
            Map<String, Object> deployment = m.get("Deployment", "likeness-" + service);
            Map<String, Object> container = Manifests.container(deployment);
            String tagless = image.to().substring(0, image.to().indexOf(':'));
            assertThat((String) container.get("image")).startsWith(tagless + ":").endsWith("-cpu");
            assertThat(String.valueOf(at(container, "ports.0.containerPort"))).isEqualTo(image.ports().get(0));
            assertThat(String.valueOf(at(deployment, "spec.template.spec.securityContext.runAsUser")))
                    .isEqualTo(image.user().split(":")[0]);
            List<Object> mounts = new ArrayList<>();
            for (Object mount : (List<?>) container.get("volumeMounts")) {
                mounts.add(((Map<?, ?>) mount).get("mountPath"));
            }
            assertThat(mounts).containsAll(image.volumes());
            Map<String, String> env = Manifests.env(container);
            assertThat(env.get("DJL_CACHE_DIR")).isEqualTo(image.environment().get("DJL_CACHE_DIR"));
        }
    }

    // ---- reading the poms -------------------------------------------------------------------------------------

    private static Image image(String service, boolean cuda) throws Exception {
        Document parent = parse(Chart.repoRoot().resolve("pom.xml"));
        Document servicePom = parse(Chart.repoRoot().resolve("services").resolve(service).resolve("pom.xml"));

        Map<String, String> props = new HashMap<>();
        props.put("project.version", text(child(parent.getDocumentElement(), "version")));
        props.put("project.build.directory", "target");
        props.put("maven.multiModuleProjectDirectory", "");
        putProperties(props, child(parent.getDocumentElement(), "properties"));
        if (cuda) {
            putProperties(props, child(profile(parent, "cuda"), "properties"));
        }
        Element imageProfile = profile(servicePom, "image");
        putProperties(props, child(imageProfile, "properties"));
        assertThat(props.get("likeness.image.service")).as("image profile of " + service).isEqualTo(service);
        assertThat(text(imageProfile).replaceAll("\\s+", " ")).contains("jib-maven-plugin");

        Element jib = null;
        Element pluginManagement = child(child(parent.getDocumentElement(), "build"), "pluginManagement");
        for (Element plugin : children(child(pluginManagement, "plugins"), "plugin")) {
            if ("jib-maven-plugin".equals(text(child(plugin, "artifactId")))) {
                jib = plugin;
            }
        }
        assertThat(jib).as("jib-maven-plugin in the parent's pluginManagement").isNotNull();
        assertThat(resolve(text(child(jib, "version")), props)).isEqualTo("3.4.6");
        Element config = child(jib, "configuration");
        Element container = child(config, "container");

        List<String> entrypoint = new ArrayList<>();
        for (Element arg : children(child(container, "entrypoint"), "arg")) {
            entrypoint.add(resolve(text(arg), props));
        }
        Map<String, String> environment = new LinkedHashMap<>();
        for (Element var : children(child(container, "environment"), null)) {
            environment.put(var.getTagName(), resolve(text(var), props));
        }
        Map<String, String> extra = new LinkedHashMap<>();
        for (Element path : children(child(child(config, "extraDirectories"), "paths"), "path")) {
            String from = resolve(text(child(path, "from")), props);
            Element includes = child(path, "includes");
            extra.put(includes == null ? from : from + "[" + text(includes) + "]", resolve(text(child(path, "into")), props));
        }
        List<String> globs = new ArrayList<>();
        for (Element glob : descendants(child(config, "pluginExtensions"), "glob")) {
            globs.add(resolve(text(glob), props));
        }
        return new Image(
                resolve(text(child(child(config, "from"), "image")), props),
                resolve(text(child(child(config, "to"), "image")), props),
                resolve(text(child(container, "user")), props),
                entrypoint,
                children(child(container, "ports"), "port").stream().map(e -> resolve(text(e), props)).toList(),
                children(child(container, "volumes"), "volume").stream().map(e -> resolve(text(e), props)).toList(),
                environment, extra, globs);
    }

    private static Properties parentProperties() throws Exception {
        Properties properties = new Properties();
        Map<String, String> map = new HashMap<>();
        putProperties(map, child(parse(Chart.repoRoot().resolve("pom.xml")).getDocumentElement(), "properties"));
        properties.putAll(map);
        return properties;
    }

    private static boolean matchesAny(List<String> globs, String path) {
        return globs.stream().anyMatch(glob -> FileSystems.getDefault().getPathMatcher("glob:" + glob)
                .matches(Path.of(path)));
    }

    private static String resolve(String value, Map<String, String> props) {
        String current = value;
        for (int depth = 0; depth < 10 && current.contains("${"); depth++) {
            Matcher matcher = PROPERTY.matcher(current);
            StringBuilder out = new StringBuilder();
            while (matcher.find()) {
                String replacement = props.get(matcher.group(1));
                if (replacement == null) {
                    throw new AssertionError("unresolved property ${" + matcher.group(1) + "} in " + value);
                }
                matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
            }
            matcher.appendTail(out);
            current = out.toString();
        }
        return current;
    }

    private static void putProperties(Map<String, String> props, Element properties) {
        for (Element property : children(properties, null)) {
            props.put(property.getTagName(), text(property));
        }
    }

    private static Element profile(Document pom, String id) {
        for (Element profile : children(child(pom.getDocumentElement(), "profiles"), "profile")) {
            if (id.equals(text(child(profile, "id")))) {
                return profile;
            }
        }
        throw new AssertionError("no profile " + id + " in " + pom.getDocumentURI());
    }

    private static Document parse(Path pom) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
    }

    private static Element child(Element parent, String name) {
        if (parent == null) {
            return null;
        }
        List<Element> found = children(parent, name);
        return found.isEmpty() ? null : found.get(0);
    }

    private static List<Element> children(Element parent, String nameOrNull) {
        List<Element> result = new ArrayList<>();
        if (parent == null) {
            return result;
        }
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && (nameOrNull == null || nameOrNull.equals(element.getTagName()))) {
                result.add(element);
            }
        }
        return result;
    }

    private static List<Element> descendants(Element parent, String name) {
        List<Element> result = new ArrayList<>();
        var list = parent.getElementsByTagName(name);
        for (int i = 0; i < list.getLength(); i++) {
            result.add((Element) list.item(i));
        }
        return result;
    }

    private static String text(Element element) {
        return element == null ? null : element.getTextContent().trim();
    }
}
