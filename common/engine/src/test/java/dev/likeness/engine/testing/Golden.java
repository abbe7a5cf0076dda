package dev.likeness.engine.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Locates the golden reference files under {@code golden/} on the test classpath. In this module they are plain
 * files; other modules get them from the engine's test-jar, in which case the requested entry is extracted once to a
 * temporary folder so that code which expects a model folder on disk can read it.
 */
public final class Golden {

    private Golden() {
    }

    /** Path to {@code golden/<relative>} (a file or a folder such as {@code tiny-sd}). */
    public static Path path(String relative) {
        String resource = "golden/" + relative;
        URL url = Golden.class.getClassLoader().getResource(resource);
        if (url == null) {
            throw new IllegalStateException("golden resource not on the test classpath: " + resource);
        }
        try {
            if (url.getProtocol().equals("file")) {
                return Paths.get(url.toURI());
            }
            if (url.getProtocol().equals("jar")) {
                return extract((JarURLConnection) url.openConnection(), resource);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("unsupported resource URL " + url);
    }

    /**
     * Extracts the whole {@code golden/} tree once per temp folder: extracting only the requested entry would leave
     * a parent folder half-filled when a sub-folder (e.g. {@code tiny-sd/unet}) is asked for first. A marker file
     * written last tells a complete extraction from an interrupted one.
     */
    private static synchronized Path extract(JarURLConnection connection, String resource) throws IOException {
        Path root = Paths.get(System.getProperty("java.io.tmpdir"), "likeness-golden");
        Path marker = root.resolve(".complete");
        if (!Files.exists(marker)) {
            try (JarFile jar = connection.getJarFile()) {
                Enumeration<JarEntry> entries = jar.entries();
                while (entries.hasMoreElements()) {
                    JarEntry e = entries.nextElement();
                    if (!e.getName().startsWith("golden/") || e.isDirectory()) {
                        continue;
                    }
                    Path out = root.resolve(e.getName());
                    Files.createDirectories(out.getParent());
                    try (InputStream in = jar.getInputStream(e)) {
                        Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            Files.createDirectories(root);
            Files.writeString(marker, "ok");
        }
        return root.resolve(resource);
    }
}
