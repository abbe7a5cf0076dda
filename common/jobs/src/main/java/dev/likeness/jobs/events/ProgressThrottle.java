package dev.likeness.jobs.events;

import java.time.Duration;

/**
 * Decides which progress reports become events: every {@code everySteps}-th step, but no more often than
 * {@code minInterval}; the last step is always reported.
 */
public final class ProgressThrottle {

    private final int everySteps;
    private final long minIntervalNanos;
    private long lastSent = Long.MIN_VALUE;

    public ProgressThrottle(int everySteps, Duration minInterval) {
        if (everySteps < 1) {
            throw new IllegalArgumentException("progress every must be >= 1 step, got " + everySteps);
        }
        this.everySteps = everySteps;
        this.minIntervalNanos = minInterval.toNanos();
    }

    /** Whether step {@code step} of {@code total} (1-based) should be reported at {@code nowNanos}. */
    public synchronized boolean shouldReport(int step, int total, long nowNanos) {
        boolean last = step >= total;
        boolean due = step % everySteps == 0 && (lastSent == Long.MIN_VALUE || nowNanos - lastSent >= minIntervalNanos);
        if (last || due) {
            lastSent = nowNanos;
            return true;
        }
        return false;
    }
}
