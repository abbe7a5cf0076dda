package dev.likeness.contracts.jobs;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.likeness.contracts.WireValue;

/** The personalization method a job trains. */
public enum Method implements WireValue {
    DREAMBOOTH("dreambooth"),
    TEXTUAL_INVERSION("textual-inversion"),
    SVDIFF("svdiff"),
    LORA("lora");

    private final String wire;

    Method(String wire) {
        this.wire = wire;
    }

    @JsonValue
    @Override
    public String wire() {
        return wire;
    }
}
