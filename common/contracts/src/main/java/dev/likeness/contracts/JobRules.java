package dev.likeness.contracts;

import dev.likeness.contracts.jobs.ControlMessage;
import dev.likeness.contracts.jobs.EvaluationProtocol;
import dev.likeness.contracts.jobs.EvaluationSettings;
import dev.likeness.contracts.jobs.HyperParameters;
import dev.likeness.contracts.jobs.LoraParams;
import dev.likeness.contracts.jobs.LrSchedule;
import dev.likeness.contracts.jobs.Method;
import dev.likeness.contracts.jobs.MixedPrecision;
import dev.likeness.contracts.jobs.PersonalizationJob;
import dev.likeness.contracts.jobs.PriorPreservation;
import dev.likeness.contracts.jobs.SamplerSettings;
import dev.likeness.contracts.jobs.SchedulerName;
import dev.likeness.contracts.jobs.Stage;
import dev.likeness.contracts.jobs.StageRequest;
import dev.likeness.contracts.jobs.SvdiffParams;
import dev.likeness.contracts.jobs.TextualInversionParams;
import dev.likeness.contracts.jobs.ValidationSettings;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;

/** Defaults and validation of jobs, stage requests and control messages. */
final class JobRules {

    static final String DEFAULT_INSTANCE_PROMPT = "a photo of {identifier} {classNoun}";

    private JobRules() {
    }

    // ---- defaults -------------------------------------------------------------------------------

    /** Fills every absent optional field; tolerates invalid input (validation reports it afterwards). */
    static PersonalizationJob withDefaults(PersonalizationJob j) {
        Method m = j.method();
        if (m == null) {
            return j; // defaults depend on the method
        }
        HyperParameters hp = hyperParameters(m, j.hyperParameters(), j.classNoun());
        PriorPreservation pp = prior(m, j.priorPreservation(), j.classNoun());
        List<Stage> stages = j.stages();
        if (stages == null) {
            stages = pp.active() ? List.of(Stage.PRIOR, Stage.TRAIN, Stage.EVALUATE) : List.of(Stage.TRAIN, Stage.EVALUATE);
        }
        return new PersonalizationJob(j.schema(), j.jobId(), m, j.baseModel(), j.instanceImages(), j.instanceCaptions(),
                or(j.instancePrompt(), DEFAULT_INSTANCE_PROMPT), j.identifier(), j.classNoun(), hp, pp,
                validation(j.validation()), evaluation(j.evaluation()), stages,
                or(j.createdAt(), Instant.now().truncatedTo(ChronoUnit.MILLIS)));
    }

    static int defaultSteps(Method m) {
        return switch (m) {
            case DREAMBOOTH -> 800;
            case TEXTUAL_INVERSION -> 3000;
            case SVDIFF, LORA -> 500;
        };
    }

    static double defaultLearningRate(Method m) {
        return switch (m) {
            case DREAMBOOTH -> 5e-6;
            case TEXTUAL_INVERSION -> 5e-4;
            case SVDIFF -> 1e-3;
            case LORA -> 1e-4;
        };
    }

    private static HyperParameters hyperParameters(Method m, HyperParameters h, String classNoun) {
        if (h == null) {
            h = HyperParameters.defaults();
        }
        TextualInversionParams ti = h.textualInversion();
        SvdiffParams sv = h.svdiff();
        LoraParams lora = h.lora();
        switch (m) {
            case TEXTUAL_INVERSION -> {
                ti = ti == null ? new TextualInversionParams(null, null) : ti;
                ti = new TextualInversionParams(or(ti.numVectors(), 1), or(ti.initializerToken(), classNoun));
            }
            case SVDIFF -> {
                sv = sv == null ? new SvdiffParams(null, null, null) : sv;
                sv = new SvdiffParams(or(sv.learningRate1d(), 1e-6), or(sv.scale(), 1.0),
                        or(sv.cutMixUnmixProbability(), 0.0));
            }
            case LORA -> {
                lora = lora == null ? new LoraParams(null, null) : lora;
                int rank = or(lora.rank(), 4);
                lora = new LoraParams(rank, or(lora.alpha(), (double) rank));
            }
            case DREAMBOOTH -> {
                // no method block
            }
        }
        return new HyperParameters(or(h.steps(), defaultSteps(m)), or(h.learningRate(), defaultLearningRate(m)),
                or(h.batchSize(), 1), or(h.gradientAccumulation(), 1), or(h.resolution(), 512), or(h.seed(), 0L),
                or(h.lrSchedule(), LrSchedule.CONSTANT), or(h.warmupSteps(), 0), or(h.maxGradNorm(), 1.0),
                or(h.mixedPrecision(), MixedPrecision.NO), or(h.trainTextEncoder(), false),
                h.textEncoderLearningRate(), or(h.checkpointEvery(), 100), or(h.progressEvery(), 10), ti, sv, lora);
    }

    private static PriorPreservation prior(Method m, PriorPreservation p, String classNoun) {
        if (p == null) {
            p = new PriorPreservation(null, null, null, null, null, null);
        }
        boolean enabledByDefault = m == Method.DREAMBOOTH || m == Method.SVDIFF;
        return new PriorPreservation(or(p.enabled(), enabledByDefault),
                or(p.classPrompt(), classNoun == null ? null : "a photo of " + classNoun),
                or(p.numClassImages(), 200), or(p.lambda(), 1.0), sampler(p.sampler()), or(p.seed(), 0L));
    }

    static SamplerSettings sampler(SamplerSettings s) {
        if (s == null) {
            return new SamplerSettings(50, 7.5, SchedulerName.DDIM);
        }
        return new SamplerSettings(or(s.steps(), 50), or(s.guidance(), 7.5), or(s.scheduler(), SchedulerName.DDIM));
    }

    private static ValidationSettings validation(ValidationSettings v) {
        if (v == null) {
            return new ValidationSettings(List.of(), 0);
        }
        List<String> prompts = or(v.prompts(), List.of());
        return new ValidationSettings(prompts, or(v.every(), prompts.isEmpty() ? 0 : 100));
    }

    private static EvaluationSettings evaluation(EvaluationSettings e) {
        if (e == null) {
            e = new EvaluationSettings(null, null, null, null, null);
        }
        List<String> prompts = or(e.prompts(), List.of());
        EvaluationProtocol protocol = or(e.protocol(),
                prompts.isEmpty() ? EvaluationProtocol.DREAMBOOTH_OBJECTS : EvaluationProtocol.CUSTOM);
        int perPrompt = or(e.imagesPerPrompt(), e.seeds() != null ? e.seeds().size() : 4);
        List<Long> seeds = e.seeds() != null ? e.seeds() : LongStream.range(0, Math.max(0, perPrompt)).boxed().toList();
        return new EvaluationSettings(protocol, prompts, perPrompt, seeds, sampler(e.sampler()));
    }

    static StageRequest withDefaults(StageRequest r) {
        PersonalizationJob job = r.job() == null ? null : withDefaults(r.job());
        return new StageRequest(r.schema(), job, r.stage(), or(r.attempt(), 1), or(r.artifacts(), Map.of()));
    }

    static ControlMessage withDefaults(ControlMessage c) {
        return new ControlMessage(c.schema(), c.action(), c.jobId(), or(c.reason(), ""),
                or(c.requestedAt(), Instant.now().truncatedTo(ChronoUnit.MILLIS)));
    }

    // ---- validation -----------------------------------------------------------------------------

    /** A training prompt must name the subject: {@code {identifier}}, or the job's identifier written out. */
    private static void namesTheSubject(Checker c, String path, String prompt, String identifier) {
        if (!prompt.contains(PersonalizationJob.IDENTIFIER_PLACEHOLDER)
                && (identifier == null || !prompt.contains(identifier))) {
            c.invalid(path, "must contain " + PersonalizationJob.IDENTIFIER_PLACEHOLDER
                    + " (or the identifier itself) so the subject gets a name");
        }
    }

    static void validate(PersonalizationJob j, Checker c, String p) {
        c.schema(p + ".schema", j.schema(), PersonalizationJob.SCHEMA);
        c.id(p + ".jobId", j.jobId());
        c.present(p + ".method", j.method());
        c.s3Folder(p + ".baseModel", j.baseModel());
        if (c.list(p + ".instanceImages", j.instanceImages(), 1, 1000)) {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < j.instanceImages().size(); i++) {
                String uri = j.instanceImages().get(i);
                c.s3Object(p + ".instanceImages[" + i + "]", uri);
                if (!seen.add(uri)) {
                    c.invalid(p + ".instanceImages[" + i + "]", "'" + uri + "' is listed twice");
                }
            }
        }
        c.nonBlank(p + ".classNoun", j.classNoun(), 64);
        if (j.identifier() != null && !j.identifier().matches("\\S{1,64}")) {
            c.invalid(p + ".identifier", "must be 1-64 characters without whitespace");
        }
        c.nonBlank(p + ".instancePrompt", j.instancePrompt(), 1000);
        if (j.instancePrompt() != null) {
            namesTheSubject(c, p + ".instancePrompt", j.instancePrompt(), j.identifier());
        }
        if (j.instanceCaptions() != null && j.instanceImages() != null
                && c.list(p + ".instanceCaptions", j.instanceCaptions(), 1, 1000)) {
            if (j.instanceCaptions().size() != j.instanceImages().size()) {
                c.invalid(p + ".instanceCaptions", "has " + j.instanceCaptions().size() + " captions for "
                        + j.instanceImages().size() + " instance images: one caption per image, in the same order");
            }
            for (int i = 0; i < j.instanceCaptions().size(); i++) {
                String caption = j.instanceCaptions().get(i);
                String at = p + ".instanceCaptions[" + i + "]";
                c.nonBlank(at, caption, 1000);
                if (!caption.isBlank()) {
                    namesTheSubject(c, at, caption, j.identifier());
                }
            }
        }
        if (c.present(p + ".hyperParameters", j.hyperParameters()) && j.method() != null) {
            hyperParameters(j.method(), j.hyperParameters(), c, p + ".hyperParameters");
        }
        if (c.present(p + ".priorPreservation", j.priorPreservation())) {
            prior(j.method(), j.priorPreservation(), c, p + ".priorPreservation");
        }
        if (c.present(p + ".validation", j.validation())) {
            ValidationSettings v = j.validation();
            prompts(v.prompts(), 0, c, p + ".validation.prompts");
            c.range(p + ".validation.every", v.every(), 0, Integer.MAX_VALUE);
        }
        if (c.present(p + ".evaluation", j.evaluation())) {
            evaluation(j.evaluation(), c, p + ".evaluation");
        }
        stages(j, c, p + ".stages");
        c.present(p + ".createdAt", j.createdAt());
    }

    private static void hyperParameters(Method m, HyperParameters h, Checker c, String p) {
        c.range(p + ".steps", h.steps(), 1, 1_000_000);
        c.range(p + ".learningRate", h.learningRate(), Double.MIN_VALUE, 1.0);
        c.range(p + ".batchSize", h.batchSize(), 1, 256);
        c.range(p + ".gradientAccumulation", h.gradientAccumulation(), 1, 1024);
        if (c.present(p + ".resolution", h.resolution())) {
            int r = h.resolution();
            if (r < 32 || r > 2048 || r % 8 != 0) {
                c.invalid(p + ".resolution", "is " + r + "; must be a multiple of 8 between 32 and 2048");
            }
        }
        c.present(p + ".seed", h.seed());
        c.present(p + ".lrSchedule", h.lrSchedule());
        int steps = h.steps() == null ? Integer.MAX_VALUE : Math.max(h.steps(), 0);
        c.range(p + ".warmupSteps", h.warmupSteps(), 0, steps);
        c.positive(p + ".maxGradNorm", h.maxGradNorm());
        c.present(p + ".mixedPrecision", h.mixedPrecision());
        c.present(p + ".trainTextEncoder", h.trainTextEncoder());
        if (h.textEncoderLearningRate() != null) {
            c.range(p + ".textEncoderLearningRate", h.textEncoderLearningRate(), Double.MIN_VALUE, 1.0);
            // a rate for a frozen encoder would be silently ignored; say so instead
            if (m == Method.TEXTUAL_INVERSION) {
                c.invalid(p + ".textEncoderLearningRate", "does not apply to textual_inversion, which trains only the"
                        + " new token embedding (at learningRate)");
            } else if (Boolean.FALSE.equals(h.trainTextEncoder())) {
                c.invalid(p + ".textEncoderLearningRate", "is set but trainTextEncoder is false, so the text encoder"
                        + " is frozen; set trainTextEncoder to true or drop the rate");
            }
        }
        c.range(p + ".checkpointEvery", h.checkpointEvery(), 0, Integer.MAX_VALUE);
        c.range(p + ".progressEvery", h.progressEvery(), 1, Integer.MAX_VALUE);
        foreignBlock(m, Method.TEXTUAL_INVERSION, h.textualInversion(), c, p + ".textualInversion");
        foreignBlock(m, Method.SVDIFF, h.svdiff(), c, p + ".svdiff");
        foreignBlock(m, Method.LORA, h.lora(), c, p + ".lora");
        switch (m) {
            case TEXTUAL_INVERSION -> {
                if (c.present(p + ".textualInversion", h.textualInversion())) {
                    TextualInversionParams ti = h.textualInversion();
                    c.range(p + ".textualInversion.numVectors", ti.numVectors(), 1, 64);
                    if (c.present(p + ".textualInversion.initializerToken", ti.initializerToken())
                            && !ti.initializerToken().matches("\\S{1,64}")) {
                        c.invalid(p + ".textualInversion.initializerToken",
                                "must be one word of 1-64 characters without whitespace");
                    }
                }
            }
            case SVDIFF -> {
                if (c.present(p + ".svdiff", h.svdiff())) {
                    SvdiffParams sv = h.svdiff();
                    c.range(p + ".svdiff.learningRate1d", sv.learningRate1d(), Double.MIN_VALUE, 1.0);
                    c.range(p + ".svdiff.scale", sv.scale(), 0.0, 10.0);
                    c.range(p + ".svdiff.cutMixUnmixProbability", sv.cutMixUnmixProbability(), 0.0, 1.0);
                    // a job carries one subject; Cut-Mix-Unmix mixes two, so a non-zero value could only be ignored
                    if (sv.cutMixUnmixProbability() != null && sv.cutMixUnmixProbability() > 0
                            && sv.cutMixUnmixProbability() <= 1.0) {
                        c.invalid(p + ".svdiff.cutMixUnmixProbability", "must be 0 in a job: Cut-Mix-Unmix needs two"
                                + " subjects and a job carries one (train two subjects with `likeness train"
                                + " --method svdiff --cut-mix-images DIR`)");
                    }
                }
            }
            case LORA -> {
                if (c.present(p + ".lora", h.lora())) {
                    c.range(p + ".lora.rank", h.lora().rank(), 1, 1024);
                    c.positive(p + ".lora.alpha", h.lora().alpha());
                }
            }
            case DREAMBOOTH -> {
                // no method block
            }
        }
    }

    private static void foreignBlock(Method m, Method owner, Object block, Checker c, String p) {
        if (block != null && m != owner) {
            c.invalid(p, "applies to method " + owner.wire() + " only, but the job's method is " + m.wire());
        }
    }

    private static void prior(Method m, PriorPreservation pp, Checker c, String p) {
        if (c.present(p + ".enabled", pp.enabled()) && pp.enabled() && m == Method.TEXTUAL_INVERSION) {
            c.invalid(p + ".enabled", "textual-inversion does not use prior preservation");
        }
        c.nonBlank(p + ".classPrompt", pp.classPrompt(), 1000);
        c.range(p + ".numClassImages", pp.numClassImages(), 1, 10_000);
        c.range(p + ".lambda", pp.lambda(), 0.0, 100.0);
        sampler(pp.sampler(), c, p + ".sampler");
        c.present(p + ".seed", pp.seed());
    }

    static void sampler(SamplerSettings s, Checker c, String p) {
        if (c.present(p, s)) {
            c.range(p + ".steps", s.steps(), 1, 1000);
            c.range(p + ".guidance", s.guidance(), 0.0, 50.0);
            c.present(p + ".scheduler", s.scheduler());
        }
    }

    static void prompts(List<String> prompts, int min, Checker c, String p) {
        if (c.list(p, prompts, min, 1000)) {
            for (int i = 0; i < prompts.size(); i++) {
                c.nonBlank(p + "[" + i + "]", prompts.get(i), 1000);
            }
        }
    }

    private static void evaluation(EvaluationSettings e, Checker c, String p) {
        c.present(p + ".protocol", e.protocol());
        if (e.protocol() == EvaluationProtocol.CUSTOM) {
            prompts(e.prompts(), 1, c, p + ".prompts");
        } else if (c.present(p + ".prompts", e.prompts()) && !e.prompts().isEmpty()) {
            c.invalid(p + ".prompts", "must be empty for protocol " + (e.protocol() == null ? "null"
                    : e.protocol().wire()) + ", which brings its own prompts; use protocol custom");
        }
        c.range(p + ".imagesPerPrompt", e.imagesPerPrompt(), 1, 64);
        if (c.list(p + ".seeds", e.seeds(), 1, 64) && e.imagesPerPrompt() != null
                && e.seeds().size() != e.imagesPerPrompt()) {
            c.invalid(p + ".seeds", "has " + e.seeds().size() + " seeds but imagesPerPrompt is "
                    + e.imagesPerPrompt() + "; give one seed per image");
        }
        sampler(e.sampler(), c, p + ".sampler");
    }

    private static void stages(PersonalizationJob j, Checker c, String p) {
        if (!c.list(p, j.stages(), 1, Stage.values().length)) {
            return;
        }
        List<Stage> stages = j.stages();
        for (int i = 1; i < stages.size(); i++) {
            if (stages.get(i).ordinal() <= stages.get(i - 1).ordinal()) {
                c.invalid(p + "[" + i + "]", "stages must be a subsequence of [prior, train, evaluate] in that "
                        + "order, without repeats");
                return;
            }
        }
        boolean prior = j.priorPreservation() != null && j.priorPreservation().active();
        if (stages.contains(Stage.PRIOR) && !prior) {
            c.invalid(p + "[" + stages.indexOf(Stage.PRIOR) + "]",
                    "the prior stage needs priorPreservation.enabled = true");
        }
        if (prior && stages.contains(Stage.TRAIN) && !stages.contains(Stage.PRIOR)) {
            c.invalid(p, "training with prior preservation needs the prior stage before train");
        }
    }

    static void validate(StageRequest r, Checker c, String p) {
        c.schema(p + ".schema", r.schema(), StageRequest.SCHEMA);
        if (c.present(p + ".job", r.job())) {
            validate(r.job(), c, p + ".job");
        }
        if (c.present(p + ".stage", r.stage()) && r.job() != null && r.job().stages() != null
                && !r.job().stages().contains(r.stage())) {
            c.invalid(p + ".stage", "stage " + r.stage().wire() + " is not on the job's routing slip "
                    + r.job().stages().stream().map(Stage::wire).toList());
        }
        c.range(p + ".attempt", r.attempt(), 1, 1000);
        artifactMap(r.artifacts(), c, p + ".artifacts");
    }

    static void artifactMap(Map<String, String> artifacts, Checker c, String p) {
        if (c.present(p, artifacts)) {
            for (Map.Entry<String, String> e : new LinkedHashMap<>(artifacts).entrySet()) {
                String key = p + "." + e.getKey();
                if (e.getKey().isBlank()) {
                    c.invalid(p, "has a blank name");
                } else if (e.getValue() == null) {
                    c.present(key, null);
                } else {
                    c.s3Any(key, e.getValue());
                }
            }
        }
    }

    static void validate(ControlMessage m, Checker c, String p) {
        c.schema(p + ".schema", m.schema(), ControlMessage.SCHEMA);
        c.present(p + ".action", m.action());
        c.id(p + ".jobId", m.jobId());
        if (c.present(p + ".reason", m.reason()) && m.reason().length() > 1000) {
            c.invalid(p + ".reason", "is longer than 1000 characters");
        }
        c.present(p + ".requestedAt", m.requestedAt());
    }

    static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
