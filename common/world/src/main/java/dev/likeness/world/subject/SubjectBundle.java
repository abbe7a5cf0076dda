package dev.likeness.world.subject;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.likeness.world.image.RgbImage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The subject photo sets shipped in this jar ({@code dev/likeness/world/subjects/<id>/00.png … 04.png} plus
 * {@code subject.json}), 64×64, and the exporter that writes them.
 */
public final class SubjectBundle {

    /** Side of the bundled photos. */
    public static final int SIZE = 64;
    private static final String ROOT = "dev/likeness/world/subjects/";
    private static final ObjectMapper JSON = new ObjectMapper();

    private SubjectBundle() {
    }

    /** File name of photo {@code index} ("00.png"). */
    public static String fileName(int index) {
        return String.format("%02d.png", index);
    }

    /** The bundled photos of {@code subject}, read from the classpath. */
    public static List<RgbImage> load(Subject subject) throws IOException {
        List<RgbImage> out = new ArrayList<>();
        for (int i = 0; i < SubjectPhotos.COUNT; i++) {
            String resource = ROOT + subject.id() + "/" + fileName(i);
            try (InputStream in = SubjectBundle.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IOException("bundled subject photo " + resource + " is missing from the classpath");
                }
                out.add(RgbImage.readPng(in, resource));
            }
        }
        return out;
    }

    /**
     * Writes {@code <folder>/<id>/00.png …} and {@code subject.json} (class noun, description, prompts, each photo's
     * class caption) for every subject.
     */
    public static void export(Path folder, int size) throws IOException {
        for (Subject subject : Subject.values()) {
            Path dir = folder.resolve(subject.id());
            Files.createDirectories(dir);
            List<Map<String, Object>> photos = new ArrayList<>();
            for (SubjectPhoto p : SubjectPhotos.generate(subject, size)) {
                String file = fileName(p.index());
                p.image().writePng(dir.resolve(file));
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("file_name", file);
                entry.put("class_caption", p.caption(""));
                entry.put("attributes", p.attributes().toMap());
                photos.add(entry);
            }
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("id", subject.id());
            meta.put("class", subject.classNoun());
            meta.put("description", subject.description());
            meta.put("class_prompt", subject.classPrompt());
            meta.put("instance_prompt_template", subject.instancePrompt("{identifier}"));
            meta.put("size", size);
            meta.put("photos", photos);
            JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("subject.json").toFile(), meta);
        }
    }
}
