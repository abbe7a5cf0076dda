package dev.likeness.worldmodels;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The default world's trained models shipped inside this jar, under
 * {@code dev/likeness/worldmodels/bundle/<name>/}: {@code world-sd} (diffusers Stable Diffusion folder),
 * {@code world-clip} (Hugging Face CLIPModel folder) and {@code world-dino} (ViTModel folder). {@link #extract}
 * copies one out to a directory, where the engine and the evaluator load it like any downloaded model.
 */
public final class WorldModels {

    /** The base model: VAE, UNet, text encoder, world tokenizer, DDIM scheduler. */
    public static final String WORLD_SD = "world-sd";
    /** The evaluator's CLIP (CLIP-I, CLIP-T, zero-shot checks). */
    public static final String WORLD_CLIP = "world-clip";
    /** The evaluator's DINO-style image encoder. */
    public static final String WORLD_DINO = "world-dino";
    public static final List<String> NAMES = List.of(WORLD_SD, WORLD_CLIP, WORLD_DINO);

    static final String BUNDLE = "dev/likeness/worldmodels/bundle/";

    private WorldModels() {
    }

    /** True when the folder {@code name} is on the classpath with its marker file. */
    public static boolean isBundled(String name) {
        checkName(name);
        return WorldModels.class.getClassLoader().getResource(BUNDLE + name + "/" + marker(name)) != null;
    }

    /**
     * Copies the bundled folder {@code name} into {@code targetDir} (created if needed; files already there are
     * replaced) and returns {@code targetDir}.
     *
     * @throws IOException if the folder is not bundled or cannot be copied
     */
    public static Path extract(String name, Path targetDir) throws IOException {
        checkName(name);
        URL url = WorldModels.class.getClassLoader().getResource(BUNDLE + name + "/" + marker(name));
        if (url == null) {
            throw new IOException("the model folder '" + name + "' is not bundled in this build (no " + BUNDLE + name
                    + "/" + marker(name) + " on the classpath)");
        }
        Files.createDirectories(targetDir);
        try {
            if ("jar".equals(url.getProtocol())) {
                FileSystem fs;
                boolean opened = false;
                try {
                    fs = FileSystems.getFileSystem(url.toURI());
                } catch (FileSystemNotFoundException e) {
                    fs = FileSystems.newFileSystem(url.toURI(), Map.of());
                    opened = true;
                }
                try {
                    copyTree(fs.getPath("/" + BUNDLE + name), targetDir);
                } finally {
                    if (opened) {
                        fs.close();
                    }
                }
            } else {
                copyTree(Path.of(url.toURI()).getParent(), targetDir);
            }
        } catch (URISyntaxException e) {
            throw new IOException("cannot locate the bundled folder '" + name + "': " + url, e);
        }
        return targetDir;
    }

    private static void copyTree(Path source, Path target) throws IOException {
        try (Stream<Path> s = Files.walk(source)) {
            for (Path p : s.toList()) {
                Path rel = source.relativize(p);
                Path dest = target.resolve(rel.toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    try (InputStream in = Files.newInputStream(p)) {
                        Files.copy(in, dest, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
    }

    // a file every complete folder of that kind has
    private static String marker(String name) {
        return WORLD_SD.equals(name) ? "model_index.json" : "config.json";
    }

    private static void checkName(String name) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("unknown world model '" + name + "'; known: " + NAMES);
        }
    }
}
