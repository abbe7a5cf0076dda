package dev.likeness.cli.demo;

import dev.likeness.engine.random.TinyModelGenerator;
import dev.likeness.world.image.RgbImage;
import dev.likeness.world.subject.Subject;
import dev.likeness.world.subject.SubjectBundle;
import dev.likeness.world.subject.SubjectPhotos;
import dev.likeness.world.subject.SubjectPrompts;
import dev.likeness.worldmodels.WorldModels;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * What the main job needs on disk, and the prompts that go with it. Two kinds:
 * <ul>
 *   <li>{@link #world}: the default world's trained base model ({@code world-sd}) and evaluator encoders
 *   ({@code world-clip}, {@code world-dino}), copied out of the world-models jar (or from a folder of your own
 *   training runs), and the bundled photos of one world subject with prompts in the world's caption grammar;</li>
 *   <li>{@link #random}: the tiny random model and the drawn sample vase (plumbing checks only; the evaluator then
 *   generates its own random encoders).</li>
 * </ul>
 *
 * <p>Prompts use the job placeholders {@code {identifier}} and {@code {classNoun}}.
 *
 * @param model          diffusers model folder
 * @param clip           CLIP folder for the evaluator, or {@code null} (the evaluator's random one)
 * @param dino           ViT (DINO) folder for the evaluator, or {@code null}
 * @param images         folder of subject photos
 * @param captions       text file with each photo's caption as a job template, one per line in the photos' order
 *                       ({@code likeness submit --captions}), or {@code null} (every photo on the instance prompt)
 * @param classNoun      the subject's class ("vase")
 * @param instancePrompt training prompt
 * @param classPrompt    prompt of the prior-preservation class images and of PRES
 * @param evalPrompts    evaluation prompts
 */
public record DemoInputs(Path model, Path clip, Path dino, Path images, Path captions, String classNoun,
                         String instancePrompt, String classPrompt, List<String> evalPrompts) {

    public static final String IDENTIFIER = "{identifier}";
    public static final String CLASS_NOUN = "{classNoun}";

    public DemoInputs {
        evalPrompts = List.copyOf(evalPrompts);
    }

    /**
     * The world run: {@code dir/world-sd}, {@code dir/world-clip}, {@code dir/world-dino},
     * {@code dir/subject/<id>/00.png …} and the photos' captions {@code dir/subject/<id>.captions.txt} ("a
     * {identifier} {classNoun} at night, at the top left": they name where each photo puts the subject).
     *
     * @param modelsFrom a folder holding {@code world-sd/}, {@code world-clip/}, {@code world-dino/} to use instead
     *                   of the bundled ones (e.g. a longer training run), or {@code null}
     * @param evalPrompts evaluation prompts, 1–8: one per world background, positions varying
     * @throws IOException if a model is neither bundled nor in {@code modelsFrom}
     */
    public static DemoInputs world(Path dir, Subject subject, int evalPrompts, Path modelsFrom) throws IOException {
        if (evalPrompts < 1 || evalPrompts > 8) {
            throw new IllegalArgumentException("evalPrompts must be in [1, 8] (one per world background) but is "
                    + evalPrompts);
        }
        List<Path> folders = new ArrayList<>();
        for (String name : WorldModels.NAMES) {
            Path target = dir.resolve(name);
            if (modelsFrom != null) {
                copyFolder(modelsFrom.resolve(name), target);
            } else {
                WorldModels.extract(name, target);
            }
            folders.add(target);
        }
        Path images = dir.resolve("subject").resolve(subject.id());
        writePhotos(SubjectBundle.load(subject), images);
        Path captions = dir.resolve("subject").resolve(subject.id() + ".captions.txt");
        Files.write(captions, photoCaptions(subject));
        return new DemoInputs(folders.get(0), folders.get(1), folders.get(2), images, captions,
                subject.classNoun(), "a photo of " + IDENTIFIER + " " + CLASS_NOUN, subject.classPrompt(),
                worldEvalPrompts(subject, evalPrompts));
    }

    /** The old plumbing run: {@code dir/tiny-sd} (random, seed 0) and {@code dir/vase/*.png} (drawn). */
    public static DemoInputs random(Path dir, int images, int size) throws IOException {
        Path model = dir.resolve("tiny-sd");
        if (!Files.isRegularFile(model.resolve("model_index.json"))) {
            TinyModelGenerator.write(model, TinyModelGenerator.tinySd(), 0);
        }
        Path folder = dir.resolve("vase");
        SampleVase.write(folder, images, size, 7);
        return new DemoInputs(model, null, null, folder, null, "vase", "a photo of " + IDENTIFIER + " " + CLASS_NOUN,
                "a photo of a vase", List.of("a photo of " + IDENTIFIER + " " + CLASS_NOUN,
                "a " + IDENTIFIER + " " + CLASS_NOUN + " on a beach",
                "a " + IDENTIFIER + " " + CLASS_NOUN + " in the snow"));
    }

    /**
     * The first {@code count} of the world's recontextualisation prompts (one per background) as job templates:
     * "a {identifier} {classNoun} on snow, at the top left".
     */
    static List<String> worldEvalPrompts(Subject subject, int count) {
        List<String> out = new ArrayList<>();
        for (String p : SubjectPrompts.recontextualisations(subject, IDENTIFIER, 1).subList(0, count)) {
            out.add(template(p, subject));
        }
        return out;
    }

    /** Each bundled photo's world caption as a job template, in the photos' order. */
    static List<String> photoCaptions(Subject subject) {
        List<String> out = new ArrayList<>();
        for (String caption : SubjectPhotos.captions(subject, IDENTIFIER)) {
            out.add(template(caption, subject));
        }
        return out;
    }

    /** A world caption of the subject with its class noun as {@code {classNoun}}. */
    private static String template(String caption, Subject subject) {
        String named = IDENTIFIER + " " + subject.classNoun();
        if (!caption.contains(named)) {
            throw new IllegalStateException("world prompt '" + caption + "' does not name '" + named + "'");
        }
        return caption.replace(named, IDENTIFIER + " " + CLASS_NOUN);
    }

    /** Prints one {@code key value} line per item, the form {@code ./likeness-demo} reads back. */
    public void print(PrintStream out) throws IOException {
        out.println("model " + model.toAbsolutePath());
        if (clip != null) {
            out.println("clip " + clip.toAbsolutePath());
        }
        if (dino != null) {
            out.println("dino " + dino.toAbsolutePath());
        }
        try (var files = Files.list(images)) {
            out.println("images " + images.toAbsolutePath() + " (" + files.count() + " PNGs)");
        }
        if (captions != null) {
            out.println("captions " + captions.toAbsolutePath());
        }
        out.println("class-noun " + classNoun);
        out.println("instance-prompt " + instancePrompt);
        out.println("class-prompt " + classPrompt);
        for (String p : evalPrompts) {
            out.println("eval-prompt " + p);
        }
    }

    private static void writePhotos(List<RgbImage> photos, Path folder) throws IOException {
        Files.createDirectories(folder);
        for (int i = 0; i < photos.size(); i++) {
            photos.get(i).writePng(folder.resolve(SubjectBundle.fileName(i)));
        }
    }

    private static void copyFolder(Path source, Path target) throws IOException {
        if (!Files.isDirectory(source)) {
            throw new IOException("--models folder has no " + source.getFileName() + "/ (" + source + ")");
        }
        try (var walk = Files.walk(source)) {
            for (Path p : walk.toList()) {
                Path dest = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
