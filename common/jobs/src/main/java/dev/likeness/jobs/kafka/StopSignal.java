package dev.likeness.jobs.kafka;

/** Set once when the consumer is asked to stop; long-running work polls it between steps. */
public final class StopSignal {

    private volatile boolean set;

    /** Asks the work to stop. */
    public void set() {
        set = true;
    }

    /** Whether a stop was asked for. */
    public boolean isSet() {
        return set;
    }
}
