package dev.likeness.contracts.events;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.likeness.contracts.jobs.Stage;

/**
 * Periodic progress of a running stage.
 *
 * @param stage          the stage
 * @param step           steps done (training steps, or images generated)
 * @param totalSteps     steps in all
 * @param loss           latest training loss (smoothed); absent outside training
 * @param lr             current learning rate; absent outside training
 * @param stepsPerSecond recent throughput
 * @param etaSeconds     estimated seconds to the end of the stage
 */
@JsonPropertyOrder({"stage", "step", "totalSteps", "loss", "lr", "stepsPerSecond", "etaSeconds"})
public record Progress(Stage stage, Integer step, Integer totalSteps, Double loss, Double lr, Double stepsPerSecond,
        Double etaSeconds) implements EventData {
}
