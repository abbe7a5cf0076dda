package dev.likeness.contracts.events;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * A render request failed.
 *
 * @param code    stable reason
 * @param message human-readable detail
 */
@JsonPropertyOrder({"code", "message"})
public record RenderFailed(ErrorCode code, String message) implements EventData {
}
