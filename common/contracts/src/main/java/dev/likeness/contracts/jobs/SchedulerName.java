package dev.likeness.contracts.jobs;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.likeness.contracts.WireValue;

/** Noise scheduler used for sampling (prior images, validation, evaluation, renders). */
public enum SchedulerName implements WireValue {
    DDIM("ddim"),
    DDPM("ddpm"),
    PNDM("pndm"),
    EULER("euler"),
    EULER_ANCESTRAL("euler-ancestral"),
    DPM_SOLVER_MULTISTEP("dpm-solver-multistep");

    private final String wire;

    SchedulerName(String wire) {
        this.wire = wire;
    }

    @JsonValue
    @Override
    public String wire() {
        return wire;
    }
}
