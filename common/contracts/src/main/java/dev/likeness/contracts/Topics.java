package dev.likeness.contracts;

import dev.likeness.contracts.jobs.Stage;

/** Kafka topic names, in one place. */
public final class Topics {

    /** New {@code PersonalizationJob}s, keyed by job id. */
    public static final String JOBS = "likeness.jobs";
    /** {@code StageRequest}s for the prior stage (class-image generation). */
    public static final String STAGE_PRIOR = "likeness.stage.prior";
    /** {@code StageRequest}s for the train stage. */
    public static final String STAGE_TRAIN = "likeness.stage.train";
    /** {@code StageRequest}s for the evaluate stage. */
    public static final String STAGE_EVALUATE = "likeness.stage.evaluate";
    /** {@code RenderRequest}s, keyed by request id. */
    public static final String RENDER = "likeness.render";
    /** {@code JobEvent}s of every job and render, keyed by subject. */
    public static final String EVENTS = "likeness.events";
    /** {@code ControlMessage}s (cancel), read by every service instance. */
    public static final String CONTROL = "likeness.control";
    /** Messages that could not even be parsed, with the reason in the headers. */
    public static final String DEADLETTER = "likeness.deadletter";

    private Topics() {
    }

    /** The topic on which requests for {@code stage} travel. */
    public static String forStage(Stage stage) {
        return switch (stage) {
            case PRIOR -> STAGE_PRIOR;
            case TRAIN -> STAGE_TRAIN;
            case EVALUATE -> STAGE_EVALUATE;
        };
    }

    /** Every topic, for creating them up front. */
    public static java.util.List<String> all() {
        return java.util.List.of(JOBS, STAGE_PRIOR, STAGE_TRAIN, STAGE_EVALUATE, RENDER, EVENTS, CONTROL, DEADLETTER);
    }
}
