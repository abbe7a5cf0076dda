package dev.likeness.contracts.jobs;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.likeness.contracts.WireValue;

/** What a control message asks the services to do. */
public enum ControlAction implements WireValue {
    CANCEL("cancel");

    private final String wire;

    ControlAction(String wire) {
        this.wire = wire;
    }

    @JsonValue
    @Override
    public String wire() {
        return wire;
    }
}
