package dev.likeness.jobs.state;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.time.Instant;

/**
 * The last complete checkpoint of a running stage. Only written to the state after every file of the checkpoint is
 * in the object store, so a reference always points at something whole.
 *
 * @param step    optimizer steps done at the checkpoint
 * @param uri     {@code s3://bucket/jobs/<id>/checkpoints/checkpoint-<step>/}
 * @param savedAt when it was written
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CheckpointRef(int step, String uri, Instant savedAt) {
}
