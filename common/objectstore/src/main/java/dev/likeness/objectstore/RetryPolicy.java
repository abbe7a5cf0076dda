package dev.likeness.objectstore;

import java.time.Duration;

/**
 * Exponential backoff for transient failures (connection refused or reset, timeouts, HTTP 5xx,
 * S3 {@code SlowDown}): attempt n waits {@code initialBackoff · 2^(n-1)}, capped at
 * {@code maxBackoff}.
 *
 * @param maxAttempts    tries in all, at least 1
 * @param initialBackoff wait after the first failure
 * @param maxBackoff     longest single wait
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

    /** 6 tries over about 6 seconds. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(6, Duration.ofMillis(200), Duration.ofSeconds(3));

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("need 0 <= initialBackoff <= maxBackoff, got " + initialBackoff
                    + " and " + maxBackoff);
        }
    }

    /** The wait after failed attempt {@code attempt} (1-based). */
    public Duration backoff(int attempt) {
        long millis = initialBackoff.toMillis() << Math.min(attempt - 1, 20);
        return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
    }
}
