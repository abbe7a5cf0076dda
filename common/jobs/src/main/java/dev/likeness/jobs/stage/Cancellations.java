package dev.likeness.jobs.stage;

import dev.likeness.contracts.jobs.ControlAction;
import dev.likeness.contracts.jobs.ControlMessage;
import dev.likeness.jobs.state.CancelRequest;
import dev.likeness.jobs.state.JobStateStore;
import dev.likeness.objectstore.ObjectStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cancel requests seen by this instance (from {@code likeness.control}) plus the durable markers in the object
 * store, so a cancel reaches a job whether it is running here, elsewhere, or still queued.
 */
public final class Cancellations {

    private static final Logger LOG = LoggerFactory.getLogger(Cancellations.class);

    private final JobStateStore states;
    private final Map<String, String> requested = new ConcurrentHashMap<>();

    public Cancellations(JobStateStore states) {
        this.states = states;
    }

    /** Handles a control message: remembers the cancel and writes the job's cancel marker. */
    public void onControl(ControlMessage message) {
        if (message.action() != ControlAction.CANCEL) {
            return;
        }
        String reason = message.reason() == null ? "cancelled" : message.reason();
        requested.put(message.jobId(), reason);
        LOG.info("cancel requested for {}: {}", message.jobId(), reason);
        try {
            states.requestCancel(message.jobId(), reason);
        } catch (ObjectStoreException e) {
            LOG.warn("cannot write the cancel marker of {}: {}", message.jobId(), e.getMessage());
        }
    }

    /** The reason, when this instance saw a cancel for {@code jobId} (no store access). */
    public Optional<String> seen(String jobId) {
        return Optional.ofNullable(requested.get(jobId));
    }

    /** The reason, when a cancel was requested here or recorded in the store. */
    public Optional<String> lookup(String jobId) {
        Optional<String> local = seen(jobId);
        if (local.isPresent()) {
            return local;
        }
        Optional<String> marker = states.cancelRequest(jobId).map(CancelRequest::reason);
        marker.ifPresent(r -> requested.put(jobId, r));
        return marker;
    }
}
