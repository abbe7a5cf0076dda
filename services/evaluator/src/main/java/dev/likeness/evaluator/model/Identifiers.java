package dev.likeness.evaluator.model;

import dev.likeness.contracts.events.ErrorCode;
import dev.likeness.contracts.jobs.PersonalizationJob;
import dev.likeness.engine.io.SafeTensorsFile;
import dev.likeness.jobs.stage.StageFailure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The identifier a job's subject was trained under. Textual Inversion's placeholder token
 * ({@code textual_inversion.tokens} in the artifact) always: the learned embedding belongs to that token and to no
 * other word, whatever the job asked for. Otherwise the job's own identifier when it set one, else the one the trainer
 * chose, read back from {@code likeness.instance_prompt}, the instance prompt with the identifier filled in, matched
 * against the job's template.
 */
public final class Identifiers {

    static final String INSTANCE_PROMPT = "likeness.instance_prompt";
    /** Textual Inversion's placeholder tokens; the first one stands for all of them in prompts. */
    static final String TI_TOKENS = "textual_inversion.tokens";

    private Identifiers() {
    }

    public static String of(PersonalizationJob job, Path artifact) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(artifact)) {
            files = walk.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
        }
        String fromProvenance = null;
        for (Path f : files) {
            try (SafeTensorsFile st = SafeTensorsFile.open(f)) {
                String tokens = st.metadata().get(TI_TOKENS);
                if (tokens != null && !tokens.isBlank()) {
                    return tokens.strip().split("\\s+")[0];
                }
                String prompt = st.metadata().get(INSTANCE_PROMPT);
                if (fromProvenance == null && prompt != null) {
                    fromProvenance = fromPrompt(job.instancePrompt(), job.classNoun(), prompt);
                }
            }
        }
        if (job.identifier() != null && !job.identifier().isBlank()) {
            return job.identifier();
        }
        if (fromProvenance != null) {
            return fromProvenance;
        }
        throw new StageFailure(ErrorCode.MODEL_INVALID, "the artifact of job " + job.jobId() + " does not record the "
                + "identifier it was trained with (no '" + INSTANCE_PROMPT + "' matching the instance prompt '"
                + job.instancePrompt() + "'); set the job's identifier");
    }

    /**
     * The text that stands where {@code {identifier}} stands in {@code template}, given the filled-in prompt; null
     * when the prompt does not fit the template.
     */
    static String fromPrompt(String template, String classNoun, String filled) {
        String t = template.replace(PersonalizationJob.CLASS_NOUN_PLACEHOLDER, classNoun);
        int at = t.indexOf(PersonalizationJob.IDENTIFIER_PLACEHOLDER);
        if (at < 0) {
            return null;
        }
        String before = t.substring(0, at);
        String after = t.substring(at + PersonalizationJob.IDENTIFIER_PLACEHOLDER.length())
                .replace(PersonalizationJob.IDENTIFIER_PLACEHOLDER, "\u0000");
        // later occurrences of the placeholder must repeat the same text: a back-reference
        String regex = Pattern.quote(before) + "(.+?)" + Pattern.quote(after).replace("\u0000", "\\E\\1\\Q");
        Matcher m = Pattern.compile(regex, Pattern.DOTALL).matcher(filled);
        return m.matches() ? m.group(1) : null;
    }
}
