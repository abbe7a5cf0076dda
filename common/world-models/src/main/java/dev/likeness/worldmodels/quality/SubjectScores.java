package dev.likeness.worldmodels.quality;

/**
 * DreamBooth metrics of one set of renders against the subject's photos (means over images; see docs/metrics.md):
 * CLIP-I and DINO to the photos, CLIP-T to the class prompt (identifier removed), DIV = 1 − DINO cosine between
 * renders of the same prompt. {@code clipTWithoutPosition} is CLIP-T to the same prompt without its position clause
 * ({@code Captions.withoutPosition}: "a vase on sand" for "a vase on sand, at the top right"): set beside CLIP-T, it tells a subject drawn on the wrong
 * background from one drawn in the wrong place.
 */
public record SubjectScores(double clipI, double dino, double clipT, double clipTWithoutPosition, double div,
                            int images) {
}
