package dev.likeness.contracts.jobs;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.List;

/**
 * A request to personalize a base model on a few images of one subject, as published on
 * {@code likeness.jobs}. Messages carry object-store URIs, never image bytes.
 *
 * <p>Read and write jobs with {@code dev.likeness.contracts.Messages}: it rejects bad input with the
 * JSON path of the offending field and fills every optional field with the method's default, so a
 * job handed to a service has no {@code null} fields except {@link #identifier} (absent = chosen by
 * the trainer) and {@link #instanceCaptions} (absent = every image trains on the instance prompt).
 *
 * @param schema            always {@link #SCHEMA}
 * @param jobId             idempotency key, {@code [A-Za-z0-9][A-Za-z0-9._-]{0,127}}
 * @param method            personalization method
 * @param baseModel         diffusers model folder, {@code s3://bucket/prefix/}
 * @param instanceImages    subject images, {@code s3://bucket/key} each, at least one
 * @param instanceCaptions  optional: one training prompt per instance image, in the same order, each naming the
 *                          subject like the instance prompt ("a photo of {identifier} {classNoun} on a beach"); the
 *                          images then train on these instead of the instance prompt
 * @param instancePrompt    training prompt; {@code {identifier}} and {@code {classNoun}} are replaced
 * @param identifier        rare token naming the subject; {@code null} = chosen automatically
 * @param classNoun         the subject's class, e.g. {@code dog}
 * @param hyperParameters   training hyper-parameters
 * @param priorPreservation class-prior preservation
 * @param validation        validation images during training
 * @param evaluation        evaluation settings
 * @param stages            the routing slip, in order, a subsequence of prior, train, evaluate
 * @param createdAt         when the job was submitted
 */
@JsonPropertyOrder({"schema", "jobId", "method", "baseModel", "instanceImages", "instanceCaptions", "instancePrompt",
        "identifier", "classNoun", "hyperParameters", "priorPreservation", "validation", "evaluation", "stages",
        "createdAt"})
public record PersonalizationJob(
        String schema,
        String jobId,
        Method method,
        String baseModel,
        List<String> instanceImages,
        List<String> instanceCaptions,
        String instancePrompt,
        String identifier,
        String classNoun,
        HyperParameters hyperParameters,
        PriorPreservation priorPreservation,
        ValidationSettings validation,
        EvaluationSettings evaluation,
        List<Stage> stages,
        Instant createdAt) {

    /** Schema identifier of this message version. */
    public static final String SCHEMA = "likeness.job/v1";
    /** Placeholder in prompts replaced by the subject's identifier. */
    public static final String IDENTIFIER_PLACEHOLDER = "{identifier}";
    /** Placeholder in prompts replaced by the class noun. */
    public static final String CLASS_NOUN_PLACEHOLDER = "{classNoun}";

    /**
     * A job with only the required fields; {@code Messages.normalize} fills the rest with the
     * method's defaults.
     */
    public static PersonalizationJob of(String jobId, Method method, String baseModel, List<String> instanceImages,
            String classNoun) {
        return new PersonalizationJob(SCHEMA, jobId, method, baseModel, instanceImages, null, null, null, classNoun,
                null, null, null, null, null, null);
    }

    /** Copy with one training prompt per instance image ({@code null}: none, the instance prompt for all). */
    public PersonalizationJob withInstanceCaptions(List<String> newInstanceCaptions) {
        return new PersonalizationJob(schema, jobId, method, baseModel, instanceImages, newInstanceCaptions,
                instancePrompt, identifier, classNoun, hyperParameters, priorPreservation,
                validation, evaluation, stages, createdAt);
    }

    /** Copy with other hyper-parameters. */
    public PersonalizationJob withHyperParameters(HyperParameters newHyperParameters) {
        return new PersonalizationJob(schema, jobId, method, baseModel, instanceImages, instanceCaptions,
                instancePrompt, identifier, classNoun, newHyperParameters, priorPreservation,
                validation, evaluation, stages, createdAt);
    }

    /** Copy with other prior-preservation settings. */
    public PersonalizationJob withPriorPreservation(PriorPreservation newPriorPreservation) {
        return new PersonalizationJob(schema, jobId, method, baseModel, instanceImages, instanceCaptions,
                instancePrompt, identifier, classNoun, hyperParameters, newPriorPreservation,
                validation, evaluation, stages, createdAt);
    }

    /** Copy with another routing slip. */
    public PersonalizationJob withStages(List<Stage> newStages) {
        return new PersonalizationJob(schema, jobId, method, baseModel, instanceImages, instanceCaptions,
                instancePrompt, identifier, classNoun, hyperParameters, priorPreservation,
                validation, evaluation, newStages, createdAt);
    }

    /** Copy with another identifier. */
    public PersonalizationJob withIdentifier(String newIdentifier) {
        return new PersonalizationJob(schema, jobId, method, baseModel, instanceImages, instanceCaptions,
                instancePrompt, newIdentifier, classNoun, hyperParameters, priorPreservation,
                validation, evaluation, stages, createdAt);
    }

    /** Copy with other evaluation settings. */
    public PersonalizationJob withEvaluation(EvaluationSettings newEvaluation) {
        return new PersonalizationJob(schema, jobId, method, baseModel, instanceImages, instanceCaptions,
                instancePrompt, identifier, classNoun, hyperParameters, priorPreservation,
                validation, newEvaluation, stages, createdAt);
    }

    /** Copy with other validation settings. */
    public PersonalizationJob withValidation(ValidationSettings newValidation) {
        return new PersonalizationJob(schema, jobId, method, baseModel, instanceImages, instanceCaptions,
                instancePrompt, identifier, classNoun, hyperParameters, priorPreservation,
                newValidation, evaluation, stages, createdAt);
    }

    /**
     * Replaces {@code {identifier}} and {@code {classNoun}} in a prompt of this job.
     *
     * @param prompt           a prompt from this job (instance, validation or evaluation prompt)
     * @param chosenIdentifier the identifier in use ({@link #identifier} or the one chosen for it)
     */
    public String resolvePrompt(String prompt, String chosenIdentifier) {
        if (chosenIdentifier == null || chosenIdentifier.isBlank()) {
            throw new IllegalArgumentException("identifier to substitute into '" + prompt + "' is missing");
        }
        return prompt.replace(IDENTIFIER_PLACEHOLDER, chosenIdentifier).replace(CLASS_NOUN_PLACEHOLDER, classNoun);
    }

    /** Whether this job's routing slip contains {@code stage}. */
    public boolean hasStage(Stage stage) {
        return stages != null && stages.contains(stage);
    }

    /** The stage after {@code stage} on the routing slip, or {@code null} when it is the last. */
    public Stage nextStage(Stage stage) {
        int i = stages.indexOf(stage);
        if (i < 0) {
            throw new IllegalArgumentException("stage " + stage.wire() + " is not on the routing slip of job " + jobId);
        }
        return i + 1 < stages.size() ? stages.get(i + 1) : null;
    }
}
