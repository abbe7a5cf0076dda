package dev.likeness.servicekit.health;

/**
 * One dependency check shown at {@code /q/health}. Implement it in a CDI bean and it is picked up. Checks run on a
 * worker thread and must return within a few seconds.
 */
public interface HealthCheck {

    /** Liveness: restart me if DOWN. Readiness: do not send me work if DOWN. */
    enum Kind { LIVENESS, READINESS }

    String name();

    Kind kind();

    CheckResult check();
}
