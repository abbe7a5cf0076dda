package dev.likeness.contracts.events;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.UUID;

/**
 * A CloudEvents 1.0 (structured JSON mode) envelope on {@code likeness.events}. The payload's class
 * fixes {@link #type}; {@link #subject} is the job id (or render request id), and {@link #sequence}
 * increases by one per subject per producing service, so consumers can order and de-duplicate.
 *
 * @param specversion     always {@code "1.0"}
 * @param id              unique event id (a UUID)
 * @param source          producing service, e.g. {@code /likeness/trainer}
 * @param type            event type, matching {@link #data}
 * @param subject         job id or render request id
 * @param time            when it happened
 * @param sequence        per-subject, per-source counter starting at 1
 * @param datacontenttype always {@code application/json}
 * @param data            typed payload
 */
@JsonPropertyOrder({"specversion", "id", "source", "type", "subject", "time", "sequence", "datacontenttype", "data"})
public record JobEvent(
        String specversion,
        String id,
        String source,
        EventType type,
        String subject,
        Instant time,
        Long sequence,
        String datacontenttype,
        EventData data) {

    /** The CloudEvents spec version used. */
    public static final String SPEC_VERSION = "1.0";
    /** The only content type used. */
    public static final String CONTENT_TYPE = "application/json";

    /** A new event with a random id, the current time, and the type that {@code data} implies. */
    public static JobEvent of(String source, String subject, long sequence, EventData data) {
        return new JobEvent(SPEC_VERSION, UUID.randomUUID().toString(), source, EventType.of(data), subject,
                Instant.now(), sequence, CONTENT_TYPE, data);
    }

    /** The payload as {@code type}, failing clearly when the event carries another type. */
    public <T extends EventData> T dataAs(Class<T> type) {
        if (!type.isInstance(data)) {
            throw new IllegalStateException("event " + id + " of type " + this.type.wire() + " carries "
                    + (data == null ? "no data" : data.getClass().getSimpleName()) + ", not " + type.getSimpleName());
        }
        return type.cast(data);
    }
}
