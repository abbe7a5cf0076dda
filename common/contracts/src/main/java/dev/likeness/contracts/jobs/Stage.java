package dev.likeness.contracts.jobs;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.likeness.contracts.WireValue;

/** A step on a job's routing slip; each stage has its own Kafka topic (see {@code Topics}). */
public enum Stage implements WireValue {
    PRIOR("prior"),
    TRAIN("train"),
    EVALUATE("evaluate");

    private final String wire;

    Stage(String wire) {
        this.wire = wire;
    }

    @JsonValue
    @Override
    public String wire() {
        return wire;
    }
}
