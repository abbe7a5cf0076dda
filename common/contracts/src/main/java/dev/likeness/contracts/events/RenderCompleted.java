package dev.likeness.contracts.events;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * A render request finished.
 *
 * @param images         {@code s3://} URIs, prompt-major then seed order
 * @param downloads      presigned HTTP(S) URLs, same order as {@code images}
 * @param elapsedSeconds wall time of the render
 */
@JsonPropertyOrder({"images", "downloads", "elapsedSeconds"})
public record RenderCompleted(List<String> images, List<String> downloads, Double elapsedSeconds) implements EventData {
}
