package dev.likeness.contracts.jobs;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.likeness.contracts.WireValue;

/** Which prompts the evaluation uses: the job's own, or the DreamBooth benchmark prompt lists. */
public enum EvaluationProtocol implements WireValue {
    CUSTOM("custom"),
    DREAMBOOTH_OBJECTS("dreambooth-objects"),
    DREAMBOOTH_LIVE("dreambooth-live");

    private final String wire;

    EvaluationProtocol(String wire) {
        this.wire = wire;
    }

    @JsonValue
    @Override
    public String wire() {
        return wire;
    }
}
