package dev.likeness.contracts;

import static dev.likeness.contracts.Fixtures.REMOVE;
import static dev.likeness.contracts.Fixtures.edit;
import static dev.likeness.contracts.Fixtures.svdiffJob;

import dev.likeness.contracts.events.ErrorCode;
import java.util.List;

/** Bad job messages, each with the field path and code the codec must report. */
final class BadJobs {

    /**
     * One bad message.
     *
     * @param name          what is wrong
     * @param json          the message
     * @param path          JSON path the codec must report
     * @param code          error code the codec must report
     * @param fragment      text the error message must contain
     * @param schemaRejects whether the JSON Schema can express the rule (cross-field rules and
     *                      JSON syntax problems are beyond it)
     */
    record Case(String name, String json, String path, ErrorCode code, String fragment, boolean schemaRejects) {
        @Override
        public String toString() {
            return name;
        }
    }

    private BadJobs() {
    }

    private static Case edited(String name, String field, String raw, String path, ErrorCode code, String fragment) {
        return new Case(name, edit(svdiffJob(), field, raw), path, code, fragment, true);
    }

    private static Case crossField(String name, String field, String raw, String path, String fragment) {
        return new Case(name, edit(svdiffJob(), field, raw), path, ErrorCode.INVALID_PARAMETER, fragment, false);
    }

    static List<Case> all() {
        String job = svdiffJob();
        ErrorCode malformed = ErrorCode.MALFORMED_MESSAGE;
        ErrorCode invalid = ErrorCode.INVALID_PARAMETER;
        return List.of(
                new Case("not JSON", "{\"jobId\": ", "$", malformed, "not valid JSON", false),
                new Case("empty", "", "$", malformed, "empty", false),
                new Case("array at top", "[1, 2]", "$", malformed, "must be a JSON object", true),
                new Case("trailing garbage", job + " {}", "$", malformed, "not valid JSON", false),
                new Case("duplicate key", job.replaceFirst("\"classNoun\": \"dog\"",
                        "\"classNoun\": \"dog\", \"classNoun\": \"cat\""), "$", malformed, "classNoun", false),
                edited("unknown top-level field", "color", "\"red\"", "$.color", malformed, "unknown field 'color'"),
                edited("unknown nested field", "hyperParameters.stepz", "5", "$.hyperParameters.stepz", malformed,
                        "known fields"),
                edited("unknown method", "method", "\"hypernetwork\"", "$.method", ErrorCode.UNKNOWN_METHOD,
                        "allowed: dreambooth, textual-inversion, svdiff, lora"),
                edited("method as number", "method", "2", "$.method", malformed, "dreambooth"),
                edited("missing method", "method", REMOVE, "$.method", malformed, "required"),
                edited("missing job id", "jobId", REMOVE, "$.jobId", malformed, "required"),
                edited("null job id", "jobId", "null", "$.jobId", malformed, "required"),
                edited("job id escaping its prefix", "jobId", "\"../../etc\"", "$.jobId", invalid, "not a valid id"),
                edited("job id with slash", "jobId", "\"a/b\"", "$.jobId", invalid, "not a valid id"),
                edited("job id too long", "jobId", "\"" + "a".repeat(129) + "\"", "$.jobId", invalid, "not a valid id"),
                edited("unsupported schema", "schema", "\"likeness.job/v2\"", "$.schema", malformed, "unsupported schema"),
                edited("steps as string", "hyperParameters.steps", "\"600\"", "$.hyperParameters.steps", malformed,
                        "expected an integer"),
                edited("steps fractional", "hyperParameters.steps", "1.5", "$.hyperParameters.steps", malformed,
                        "expected an integer"),
                edited("steps zero", "hyperParameters.steps", "0", "$.hyperParameters.steps", invalid, "between 1"),
                edited("steps overflow", "hyperParameters.steps", "99999999999", "$.hyperParameters.steps", invalid,
                        "out of range"),
                edited("learning rate zero", "hyperParameters.learningRate", "0", "$.hyperParameters.learningRate",
                        invalid, "must be between"),
                edited("learning rate negative", "hyperParameters.learningRate", "-0.001",
                        "$.hyperParameters.learningRate", invalid, "must be between"),
                edited("learning rate as string", "hyperParameters.learningRate", "\"1e-3\"",
                        "$.hyperParameters.learningRate", malformed, "expected a number"),
                edited("boolean as string", "hyperParameters.trainTextEncoder", "\"true\"",
                        "$.hyperParameters.trainTextEncoder", malformed, "true or false"),
                edited("text-encoder learning rate zero", "hyperParameters.textEncoderLearningRate", "0",
                        "$.hyperParameters.textEncoderLearningRate", invalid, "must be between"),
                crossField("text-encoder learning rate for a frozen text encoder",
                        "hyperParameters.textEncoderLearningRate", "1e-4", "$.hyperParameters.textEncoderLearningRate",
                        "trainTextEncoder is false"),
                edited("resolution not multiple of 8", "hyperParameters.resolution", "500",
                        "$.hyperParameters.resolution", invalid, "multiple of 8"),
                edited("probability above 1", "hyperParameters.svdiff.cutMixUnmixProbability", "1.5",
                        "$.hyperParameters.svdiff.cutMixUnmixProbability", invalid, "between 0.0 and 1.0"),
                edited("probability below 0", "hyperParameters.svdiff.cutMixUnmixProbability", "-0.1",
                        "$.hyperParameters.svdiff.cutMixUnmixProbability", invalid, "between 0.0 and 1.0"),
                edited("cut-mix in a one-subject job", "hyperParameters.svdiff.cutMixUnmixProbability", "0.6",
                        "$.hyperParameters.svdiff.cutMixUnmixProbability", invalid, "needs two subjects"),
                edited("block of another method", "hyperParameters.lora", "{\"rank\": 4}", "$.hyperParameters.lora",
                        invalid, "applies to method lora only"),
                edited("unknown lr schedule", "hyperParameters.lrSchedule", "\"cosin\"",
                        "$.hyperParameters.lrSchedule", invalid, "constant_with_warmup"),
                edited("no instance images", "instanceImages", "[]", "$.instanceImages", invalid, "between 1"),
                edited("missing instance images", "instanceImages", REMOVE, "$.instanceImages", malformed, "required"),
                edited("instance image as http URL", "instanceImages.1", "\"https://example.com/dog.png\"",
                        "$.instanceImages[1]", invalid, "not an object-store URI"),
                edited("instance image bytes inline", "instanceImages.0", "\"data:image/png;base64,iVBORw0KGgo=\"",
                        "$.instanceImages[0]", invalid, "never file contents"),
                edited("instance image null", "instanceImages.2", "null", "$.instanceImages[2]", malformed, "null"),
                edited("instance image with ..", "instanceImages.0", "\"s3://likeness/jobs/../secrets.png\"",
                        "$.instanceImages[0]", invalid, "'..'"),
                edited("instance image is a folder", "instanceImages.0", "\"s3://likeness/jobs/x/\"",
                        "$.instanceImages[0]", invalid, "not a folder"),
                edited("duplicate instance image", "instanceImages.1",
                        "\"s3://likeness/jobs/dog-2026-01-31.a_1/inputs/00.png\"", "$.instanceImages[1]", invalid,
                        "listed twice"),
                edited("base model not a folder", "baseModel", "\"s3://likeness/models/sd\"", "$.baseModel", invalid,
                        "end with '/'"),
                edited("base model bad bucket", "baseModel", "\"s3://Bad_Bucket/models/\"", "$.baseModel", invalid,
                        "bucket"),
                edited("blank class noun", "classNoun", "\"  \"", "$.classNoun", invalid, "blank"),
                edited("identifier with space", "identifier", "\"s k s\"", "$.identifier", invalid, "whitespace"),
                edited("unknown stage", "stages.2", "\"deploy\"", "$.stages[2]", invalid, "prior, train, evaluate"),
                edited("repeated stage", "stages", "[\"train\", \"train\"]", "$.stages[1]", invalid, "subsequence"),
                edited("empty stages", "stages", "[]", "$.stages", invalid, "between 1"),
                edited("class images zero", "priorPreservation.numClassImages", "0",
                        "$.priorPreservation.numClassImages", invalid, "between 1"),
                edited("sampler steps zero", "priorPreservation.sampler.steps", "0",
                        "$.priorPreservation.sampler.steps", invalid, "between 1"),
                edited("unknown scheduler", "evaluation.sampler.scheduler", "\"magic\"",
                        "$.evaluation.sampler.scheduler", invalid, "ddim"),
                edited("timestamp not a date", "createdAt", "\"yesterday\"", "$.createdAt", malformed,
                        "ISO-8601"),
                edited("timestamp as number", "createdAt", "1769860800", "$.createdAt", malformed, "ISO-8601"),
                edited("custom evaluation without prompts", "evaluation.prompts", "[]", "$.evaluation.prompts",
                        invalid, "between 1"),
                crossField("stages out of order", "stages", "[\"train\", \"prior\"]", "$.stages[1]", "in that order"),
                crossField("warmup longer than training", "hyperParameters.warmupSteps", "601",
                        "$.hyperParameters.warmupSteps", "between 0 and 600"),
                crossField("seeds do not match images per prompt", "evaluation.seeds", "[1, 2, 3]",
                        "$.evaluation.seeds", "one seed per image"),
                crossField("prompt without identifier", "instancePrompt", "\"a photo of a dog\"",
                        "$.instancePrompt", "{identifier}"),
                edited("no instance captions", "instanceCaptions", "[]", "$.instanceCaptions", invalid, "between 1"),
                edited("blank instance caption", "instanceCaptions", "[\"a sks dog\", \" \", \"a sks dog\"]",
                        "$.instanceCaptions[1]", invalid, "must not be blank"),
                crossField("fewer captions than images", "instanceCaptions", "[\"a {identifier} dog\"]",
                        "$.instanceCaptions", "one caption per image"),
                crossField("caption without identifier", "instanceCaptions",
                        "[\"a {identifier} dog\", \"a dog on a beach\", \"a sks dog\"]", "$.instanceCaptions[1]",
                        "{identifier}"),
                crossField("prior stage without prior preservation", "priorPreservation.enabled", "false",
                        "$.stages[0]", "priorPreservation.enabled"));
    }
}
