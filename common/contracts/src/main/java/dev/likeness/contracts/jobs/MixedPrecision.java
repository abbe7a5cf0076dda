package dev.likeness.contracts.jobs;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.likeness.contracts.WireValue;

/** Precision of the frozen UNet weights during training; trained parameters stay float32. */
public enum MixedPrecision implements WireValue {
    NO("no"),
    FP16("fp16");

    private final String wire;

    MixedPrecision(String wire) {
        this.wire = wire;
    }

    @JsonValue
    @Override
    public String wire() {
        return wire;
    }
}
