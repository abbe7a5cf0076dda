package dev.likeness.contracts.jobs;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * Validation images rendered during training to watch progress.
 *
 * @param prompts prompts to render; may contain {@code {identifier}} and {@code {classNoun}}
 * @param every   steps between validations; 0 = never
 */
@JsonPropertyOrder({"prompts", "every"})
public record ValidationSettings(List<String> prompts, Integer every) {

    /** Whether validation images are rendered at all. */
    public boolean active() {
        return prompts != null && !prompts.isEmpty() && every != null && every > 0;
    }
}
