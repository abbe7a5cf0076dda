package dev.likeness.contracts.jobs;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.likeness.contracts.WireValue;

/** Learning-rate schedule over the training steps (the diffusers names). */
public enum LrSchedule implements WireValue {
    CONSTANT("constant"),
    CONSTANT_WITH_WARMUP("constant_with_warmup"),
    LINEAR("linear"),
    COSINE("cosine");

    private final String wire;

    LrSchedule(String wire) {
        this.wire = wire;
    }

    @JsonValue
    @Override
    public String wire() {
        return wire;
    }
}
