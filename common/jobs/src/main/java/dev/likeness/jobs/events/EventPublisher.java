package dev.likeness.jobs.events;

import dev.likeness.contracts.Messages;
import dev.likeness.contracts.Topics;
import dev.likeness.contracts.events.EventData;
import dev.likeness.contracts.events.JobEvent;
import dev.likeness.contracts.jobs.StageRequest;
import dev.likeness.jobs.state.JobStateStore;
import dev.likeness.objectstore.ObjectStoreException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes a job's CloudEvents on {@code likeness.events} (keyed by job id) and its stage requests on the stage
 * topics, each send waiting for the broker's acknowledgement.
 *
 * <p>Callers write the objects an event references first and publish second: an event never points at something
 * half-written. The per-job {@code sequence} of this source is kept in the job state ({@link JobStateStore}), so it
 * keeps increasing when another instance takes the job over; when the store cannot be reached (the
 * {@code STORE_UNAVAILABLE} failure itself) the counter this process remembers is used.
 */
public final class EventPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(EventPublisher.class);
    private static final int REMEMBERED_JOBS = 10_000;
    private static final long SEND_TIMEOUT_SECONDS = 30;

    private final Producer<String, String> producer;
    private final String source;
    private final JobStateStore states;
    private final Map<String, Long> lastSequence = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > REMEMBERED_JOBS;
        }
    };

    /**
     * @param producer string producer (acks=all, idempotent), owned by the caller
     * @param source   CloudEvents source of this service, e.g. {@code /likeness/trainer}
     * @param states   where the per-job sequence is kept
     */
    public EventPublisher(Producer<String, String> producer, String source, JobStateStore states) {
        this.producer = producer;
        this.source = source;
        this.states = states;
    }

    /** The CloudEvents source of this publisher. */
    public String source() {
        return source;
    }

    /** Publishes one event about {@code jobId} and returns it as sent. */
    public JobEvent publish(String jobId, EventData data) {
        JobEvent event = JobEvent.of(source, jobId, nextSequence(jobId), data);
        send(Topics.EVENTS, jobId, Messages.toJson(event));
        LOG.debug("{} {} #{}", jobId, event.type().wire(), event.sequence());
        return event;
    }

    /** Publishes a stage request on its stage's topic, keyed by the job id. */
    public void publishStageRequest(StageRequest request) {
        send(Topics.forStage(request.stage()), request.job().jobId(), Messages.toJson(request));
    }

    /** Sends one record and waits for the acknowledgement. */
    public void send(String topic, String key, String value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing to " + topic, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("publishing to " + topic + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("publishing to " + topic + " got no acknowledgement within "
                    + SEND_TIMEOUT_SECONDS + " s", e);
        }
    }

    private long nextSequence(String jobId) {
        long remembered;
        synchronized (lastSequence) {
            remembered = lastSequence.getOrDefault(jobId, 0L);
        }
        long next;
        try {
            long[] out = new long[1];
            states.update(jobId, s -> {
                out[0] = Math.max(s.sequence(source), remembered) + 1;
                return s.withSequence(source, out[0], states.now());
            });
            next = out[0];
        } catch (ObjectStoreException e) {
            next = remembered + 1;
            LOG.warn("event sequence of {} not persisted ({}); using {}", jobId, e.getMessage(), next);
        }
        synchronized (lastSequence) {
            lastSequence.put(jobId, next);
        }
        return next;
    }
}
