package dev.likeness.localstack;

import java.util.List;

/**
 * The topics the local stack creates up front (same names as {@code dev.likeness.contracts.Topics}; repeated here
 * because the stack must not depend on the contracts module). Creating them at start avoids the first consumer
 * racing the broker's auto-creation.
 */
final class StackTopics {

    static final List<String> DEFAULT = List.of(
            "likeness.jobs",
            "likeness.stage.prior",
            "likeness.stage.train",
            "likeness.stage.evaluate",
            "likeness.render",
            "likeness.events",
            "likeness.control",
            "likeness.deadletter");

    private StackTopics() {
    }
}
