package dev.likeness.contracts.render;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.likeness.contracts.WireValue;

/** The kind of trained artifact a render applies on top of the base model. */
public enum ArtifactKind implements WireValue {
    SVDIFF("svdiff"),
    TEXTUAL_INVERSION("textual-inversion"),
    LORA("lora");

    private final String wire;

    ArtifactKind(String wire) {
        this.wire = wire;
    }

    @JsonValue
    @Override
    public String wire() {
        return wire;
    }
}
