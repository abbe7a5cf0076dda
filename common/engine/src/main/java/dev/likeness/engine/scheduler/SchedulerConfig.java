package dev.likeness.engine.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A diffusers {@code scheduler_config.json}. Missing fields take the defaults of the diffusers class being built, so a
 * config written for one scheduler can drive another (as {@code Scheduler.from_config} does): override the class with
 * {@link #withType}.
 */
public record SchedulerConfig(
        SchedulerType type,
        int numTrainTimesteps,
        double betaStart,
        double betaEnd,
        String betaSchedule,
        float[] trainedBetas,
        PredictionType predictionType,
        boolean clipSample,
        float clipSampleRange,
        boolean setAlphaToOne,
        int stepsOffset,
        TimestepSpacing timestepSpacing,
        String varianceType,
        boolean rescaleBetasZeroSnr,
        int solverOrder,
        boolean lowerOrderFinal,
        boolean finalSigmaZero,
        ObjectNode source) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads scheduler_config.json; the class comes from {@code _class_name}. */
    public static SchedulerConfig read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("scheduler config not found: " + file);
        }
        JsonNode node = JSON.readTree(file.toFile());
        if (!(node instanceof ObjectNode object)) {
            throw new IOException(file + ": not a JSON object");
        }
        return parse(object);
    }

    public static SchedulerConfig parse(ObjectNode json) {
        String cls = json.path("_class_name").asText("DDIMScheduler");
        return of(SchedulerType.forDiffusersClass(cls), json);
    }

    /** Stable Diffusion 1.x's DDIM settings (scaled_linear 0.00085→0.012, steps_offset 1, no clipping). */
    public static SchedulerConfig stableDiffusionDefaults(SchedulerType type) {
        ObjectNode json = JSON.createObjectNode()
                .put("beta_start", 0.00085).put("beta_end", 0.012).put("beta_schedule", "scaled_linear")
                .put("clip_sample", false).put("set_alpha_to_one", false).put("steps_offset", 1)
                .put("timestep_spacing", "leading").put("prediction_type", "epsilon");
        return of(type, json);
    }

    /** The same settings read for another scheduler (its own defaults fill what the config lacks). */
    public SchedulerConfig withType(SchedulerType newType) {
        return of(newType, source);
    }

    /** Builds the scheduler. */
    public Scheduler create() {
        return switch (type) {
            case DDPM -> new DdpmScheduler(this);
            case DDIM -> new DdimScheduler(this);
            case EULER -> new EulerDiscreteScheduler(this);
            case DPM_SOLVER_MULTISTEP -> new DpmSolverMultistepScheduler(this);
        };
    }

    private static SchedulerConfig of(SchedulerType type, ObjectNode json) {
        // Per-class defaults of diffusers 0.27 for fields a config may omit.
        boolean ddpmFamily = type == SchedulerType.DDPM || type == SchedulerType.DDIM;
        String defaultSpacing = switch (type) {
            case DDPM, DDIM -> "leading";
            case EULER, DPM_SOLVER_MULTISTEP -> "linspace";
        };
        float[] trained = null;
        JsonNode tb = json.get("trained_betas");
        if (tb != null && tb.isArray()) {
            trained = new float[tb.size()];
            for (int i = 0; i < trained.length; i++) {
                trained[i] = (float) tb.get(i).asDouble();
            }
        }
        String algorithm = json.path("algorithm_type").asText("dpmsolver++");
        if (type == SchedulerType.DPM_SOLVER_MULTISTEP && !algorithm.equals("dpmsolver++")) {
            throw new IllegalArgumentException("DPMSolverMultistep: only algorithm_type dpmsolver++ is implemented, "
                    + "config asks for " + algorithm);
        }
        if (json.path("thresholding").asBoolean(false)) {
            throw new IllegalArgumentException("scheduler config asks for dynamic thresholding, which is not "
                    + "implemented (set thresholding=false)");
        }
        SchedulerConfig c = new SchedulerConfig(
                type,
                json.path("num_train_timesteps").asInt(1000),
                json.path("beta_start").asDouble(0.0001),
                json.path("beta_end").asDouble(0.02),
                json.path("beta_schedule").asText("linear"),
                trained,
                PredictionType.fromConfig(json.path("prediction_type").asText("epsilon")),
                json.path("clip_sample").asBoolean(ddpmFamily),
                (float) json.path("clip_sample_range").asDouble(1.0),
                json.path("set_alpha_to_one").asBoolean(true),
                json.path("steps_offset").asInt(0),
                TimestepSpacing.fromConfig(json.path("timestep_spacing").asText(defaultSpacing)),
                json.path("variance_type").asText("fixed_small"),
                json.path("rescale_betas_zero_snr").asBoolean(false),
                json.path("solver_order").asInt(2),
                json.path("lower_order_final").asBoolean(true),
                !json.path("final_sigmas_type").asText("zero").equals("sigma_min"),
                json.deepCopy());
        if (c.numTrainTimesteps < 2) {
            throw new IllegalArgumentException("num_train_timesteps must be at least 2, got " + c.numTrainTimesteps);
        }
        if (c.solverOrder < 1 || c.solverOrder > 2) {
            throw new IllegalArgumentException("solver_order " + c.solverOrder + " is not supported (1 or 2)");
        }
        return c;
    }
}
