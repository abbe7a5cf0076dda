package dev.likeness.engine.scheduler;

import java.util.Locale;
import java.util.Map;

/**
 * The samplers this engine implements, and which one stands in for each diffusers scheduler class name found in a
 * model's scheduler_config.json (families share their parameterisation, so e.g. a PNDM config samples well with
 * DDIM).
 */
public enum SchedulerType {
    DDPM("DDPMScheduler"),
    DDIM("DDIMScheduler"),
    EULER("EulerDiscreteScheduler"),
    DPM_SOLVER_MULTISTEP("DPMSolverMultistepScheduler");

    private static final Map<String, SchedulerType> DIFFUSERS_CLASSES = Map.ofEntries(
            Map.entry("DDPMScheduler", DDPM),
            Map.entry("DDPMParallelScheduler", DDPM),
            Map.entry("DDIMScheduler", DDIM),
            Map.entry("DDIMParallelScheduler", DDIM),
            Map.entry("PNDMScheduler", DDIM),
            Map.entry("EulerDiscreteScheduler", EULER),
            Map.entry("EulerAncestralDiscreteScheduler", EULER),
            Map.entry("LMSDiscreteScheduler", EULER),
            Map.entry("HeunDiscreteScheduler", EULER),
            Map.entry("KDPM2DiscreteScheduler", EULER),
            Map.entry("KDPM2AncestralDiscreteScheduler", EULER),
            Map.entry("DPMSolverMultistepScheduler", DPM_SOLVER_MULTISTEP),
            Map.entry("DPMSolverSinglestepScheduler", DPM_SOLVER_MULTISTEP),
            Map.entry("DPMSolverSDEScheduler", DPM_SOLVER_MULTISTEP),
            Map.entry("UniPCMultistepScheduler", DPM_SOLVER_MULTISTEP),
            Map.entry("DEISMultistepScheduler", DPM_SOLVER_MULTISTEP));

    private final String diffusersClass;

    SchedulerType(String diffusersClass) {
        this.diffusersClass = diffusersClass;
    }

    /** The diffusers class this implementation mirrors (written as {@code _class_name}). */
    public String diffusersClass() {
        return diffusersClass;
    }

    /** The implementation for a diffusers {@code _class_name}. */
    public static SchedulerType forDiffusersClass(String className) {
        SchedulerType t = DIFFUSERS_CLASSES.get(className);
        if (t == null) {
            throw new IllegalArgumentException("unsupported scheduler class '" + className + "' (supported: "
                    + new java.util.TreeSet<>(DIFFUSERS_CLASSES.keySet()) + ")");
        }
        return t;
    }

    /**
     * A short name as typed on a command line ({@code ddim}, {@code ddpm}, {@code euler}, {@code dpm++},
     * {@code dpmsolver++}) or any diffusers class name.
     */
    public static SchedulerType parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "ddim" -> DDIM;
            case "ddpm" -> DDPM;
            case "euler", "euler-discrete" -> EULER;
            case "dpm++", "dpmsolver++", "dpm++2m", "dpm-solver", "dpmsolver" -> DPM_SOLVER_MULTISTEP;
            default -> forDiffusersClass(name);
        };
    }
}
