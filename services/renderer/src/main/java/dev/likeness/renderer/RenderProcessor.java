package dev.likeness.renderer;

import dev.likeness.contracts.MessageValidationException;
import dev.likeness.contracts.Messages;
import dev.likeness.contracts.Topics;
import dev.likeness.contracts.events.ErrorCode;
import dev.likeness.contracts.events.EventData;
import dev.likeness.contracts.events.JobEvent;
import dev.likeness.contracts.events.RenderCompleted;
import dev.likeness.contracts.events.RenderFailed;
import dev.likeness.contracts.render.RenderRequest;
import dev.likeness.jobs.deadletter.DeadLetters;
import dev.likeness.jobs.events.EventPublisher;
import dev.likeness.jobs.kafka.Disposition;
import dev.likeness.jobs.kafka.RecordProcessor;
import dev.likeness.jobs.kafka.StopSignal;
import dev.likeness.jobs.stage.StageFailure;
import dev.likeness.objectstore.ObjectStoreUnavailableException;
import dev.likeness.renderer.render.Renderer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

import java.util.regex.Pattern;

/**
 * One render request from {@code likeness.render} to its {@code dev.likeness.render.completed} (or {@code .failed})
 * event, keyed by the request id. An unreadable message goes to {@code likeness.deadletter} (and, when its key is a
 * request id, a {@code render.failed} tells the requester why); a request that finished before (its manifest is in
 * the store) is answered again without rendering.
 */
public final class RenderProcessor implements RecordProcessor {

    private static final Logger LOG = Logger.getLogger(RenderProcessor.class);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final int MAX_MESSAGE = 2000;

    private final Renderer renderer;
    private final EventPublisher events;
    private final DeadLetters deadLetters;
    private final String source;

    /**
     * @param source CloudEvents source of the events, {@code /likeness/renderer}
     */
    public RenderProcessor(Renderer renderer, EventPublisher events, DeadLetters deadLetters, String source) {
        this.renderer = renderer;
        this.events = events;
        this.deadLetters = deadLetters;
        this.source = source;
    }

    @Override
    public Disposition process(ConsumerRecord<String, String> record, StopSignal stop) {
        RenderRequest request;
        try {
            request = Messages.parseRenderRequest(record.value());
        } catch (MessageValidationException e) {
            LOG.warnf("rejecting render request %s: %s", record.key(), e.getMessage());
            deadLetters.send(record, e.errorCode(), e.getMessage());
            if (record.key() != null && ID.matcher(record.key()).matches()) {
                publish(record.key(), new RenderFailed(e.errorCode(), bounded("rejected render request: "
                        + e.getMessage())));
            }
            return Disposition.DONE;
        }
        String id = request.requestId();
        try {
            RenderCompleted done = renderer.finished(id);
            if (done != null) {
                LOG.infof("render %s finished before; answering from its manifest", id);
            } else {
                LOG.infof("render %s: %d prompt(s) x %d seed(s), %d artifact(s), %dx%d, %d steps", id,
                        request.prompts().size(), request.seeds().size(), request.artifacts().size(),
                        request.width(), request.height(), request.steps());
                done = renderer.render(request);
                LOG.infof("render %s completed in %.1f s", id, done.elapsedSeconds());
            }
            publish(id, done);
        } catch (RuntimeException e) {
            ErrorCode code = codeOf(e);
            if (code == ErrorCode.INTERNAL) {
                LOG.errorf(e, "render %s failed", id);
            } else {
                LOG.warnf("render %s failed: %s %s", id, code, e.getMessage());
            }
            publish(id, new RenderFailed(code, bounded(messageOf(e, code))));
        }
        return Disposition.DONE;
    }

    private void publish(String requestId, EventData data) {
        // one terminal event per request: sequence 1 (a re-sent answer repeats it, so readers drop the copy)
        events.send(Topics.EVENTS, requestId, Messages.toJson(JobEvent.of(source, requestId, 1, data)));
    }

    static ErrorCode codeOf(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof StageFailure f) {
                return f.code();
            }
            if (c instanceof ObjectStoreUnavailableException) {
                return ErrorCode.STORE_UNAVAILABLE;
            }
        }
        return ErrorCode.INTERNAL;
    }

    private static String messageOf(Throwable t, ErrorCode code) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return code == ErrorCode.INTERNAL ? t.getClass().getSimpleName() + ": " + m : m;
    }

    private static String bounded(String m) {
        return m.length() > MAX_MESSAGE ? m.substring(0, MAX_MESSAGE) + "…" : m;
    }
}
