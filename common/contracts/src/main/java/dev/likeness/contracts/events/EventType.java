package dev.likeness.contracts.events;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.likeness.contracts.WireValue;

/** CloudEvents {@code type} of a {@link JobEvent}, each with exactly one payload class. */
public enum EventType implements WireValue {
    ACCEPTED("dev.likeness.job.accepted", Accepted.class),
    STAGE_STARTED("dev.likeness.job.stage-started", StageStarted.class),
    PROGRESS("dev.likeness.job.progress", Progress.class),
    STAGE_COMPLETED("dev.likeness.job.stage-completed", StageCompleted.class),
    SUCCEEDED("dev.likeness.job.succeeded", Succeeded.class),
    FAILED("dev.likeness.job.failed", Failed.class),
    CANCELLED("dev.likeness.job.cancelled", Cancelled.class),
    RENDER_COMPLETED("dev.likeness.render.completed", RenderCompleted.class),
    RENDER_FAILED("dev.likeness.render.failed", RenderFailed.class);

    private final String wire;
    private final Class<? extends EventData> dataClass;

    EventType(String wire, Class<? extends EventData> dataClass) {
        this.wire = wire;
        this.dataClass = dataClass;
    }

    @JsonValue
    @Override
    public String wire() {
        return wire;
    }

    /** The payload class of this type. */
    public Class<? extends EventData> dataClass() {
        return dataClass;
    }

    /** Whether no further events follow for the subject. */
    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED || this == RENDER_COMPLETED
                || this == RENDER_FAILED;
    }

    /** The type whose payload is {@code data}. */
    public static EventType of(EventData data) {
        for (EventType t : values()) {
            if (t.dataClass == data.getClass()) {
                return t;
            }
        }
        throw new IllegalStateException("no event type for " + data.getClass().getName());
    }

    /** The type spelled {@code wire}, or {@code null} when there is none. */
    public static EventType fromWire(String wire) {
        for (EventType t : values()) {
            if (t.wire.equals(wire)) {
                return t;
            }
        }
        return null;
    }
}
