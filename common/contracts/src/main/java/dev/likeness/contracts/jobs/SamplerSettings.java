package dev.likeness.contracts.jobs;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * How images are sampled from a model.
 *
 * @param steps     denoising steps
 * @param guidance  classifier-free guidance scale (1 = no guidance)
 * @param scheduler noise scheduler
 */
@JsonPropertyOrder({"steps", "guidance", "scheduler"})
public record SamplerSettings(Integer steps, Double guidance, SchedulerName scheduler) {
}
