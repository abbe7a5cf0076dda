package dev.likeness.contracts.render;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * A trained artifact applied on top of the base model when rendering.
 *
 * @param kind   what the file holds
 * @param uri    {@code s3://bucket/key} of the artifact (a safetensors file)
 * @param weight strength: SVDiff spectral-shift scale, LoRA scale, or Textual Inversion embedding
 *               multiplier (1 = as trained)
 */
@JsonPropertyOrder({"kind", "uri", "weight"})
public record ArtifactRef(ArtifactKind kind, String uri, Double weight) {

    /** An artifact applied at full strength. */
    public static ArtifactRef of(ArtifactKind kind, String uri) {
        return new ArtifactRef(kind, uri, 1.0);
    }
}
