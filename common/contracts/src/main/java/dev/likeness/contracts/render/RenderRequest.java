package dev.likeness.contracts.render;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.likeness.contracts.jobs.SchedulerName;
import java.util.List;

/**
 * Asks the renderer for images, published on {@code likeness.render}. Images go to
 * {@code renders/<requestId>/}; the answer is a {@code dev.likeness.render.completed} or
 * {@code .failed} event with subject = requestId.
 *
 * @param schema         always {@link #SCHEMA}
 * @param requestId      idempotency key, same pattern as a job id
 * @param model          base model folder, {@code s3://bucket/prefix/}
 * @param prompts        prompts to render, at least one
 * @param negativePrompt negative prompt for classifier-free guidance ({@code ""} = unconditional)
 * @param artifacts      trained artifacts to apply, in order
 * @param seeds          one image per seed for every prompt
 * @param steps          denoising steps
 * @param scheduler      noise scheduler
 * @param guidance       classifier-free guidance scale
 * @param width          image width in pixels, a multiple of 8
 * @param height         image height in pixels, a multiple of 8
 */
@JsonPropertyOrder({"schema", "requestId", "model", "prompts", "negativePrompt", "artifacts", "seeds", "steps",
        "scheduler", "guidance", "width", "height"})
public record RenderRequest(
        String schema,
        String requestId,
        String model,
        List<String> prompts,
        String negativePrompt,
        List<ArtifactRef> artifacts,
        List<Long> seeds,
        Integer steps,
        SchedulerName scheduler,
        Double guidance,
        Integer width,
        Integer height) {

    /** Schema identifier of this message version. */
    public static final String SCHEMA = "likeness.render/v1";

    /** A request with defaults for everything but the essentials. */
    public static RenderRequest of(String requestId, String model, List<String> prompts, List<ArtifactRef> artifacts) {
        return new RenderRequest(SCHEMA, requestId, model, prompts, null, artifacts, null, null, null, null, null,
                null);
    }
}
