package dev.likeness.jobs.stage;

import dev.likeness.contracts.events.Succeeded;

import java.util.Map;

/**
 * What a finished stage produced. Every URI must point at objects already written in full.
 *
 * @param outputs output name → {@code s3://} URI (object or folder ending in {@code /}); merged into the artifacts
 *                the next stage receives and published in {@code stage-completed}
 * @param result  the {@code succeeded} payload when this is the job's last stage; {@code null} lets the runner
 *                build one from the artifacts
 */
public record StageOutcome(Map<String, String> outputs, Succeeded result) {

    public StageOutcome {
        outputs = outputs == null ? Map.of() : Map.copyOf(outputs);
    }

    /** Outputs only. */
    public static StageOutcome of(Map<String, String> outputs) {
        return new StageOutcome(outputs, null);
    }
}
