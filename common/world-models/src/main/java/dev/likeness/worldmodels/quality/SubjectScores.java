package dev.likeness.worldmodels.quality;

/**
 * DreamBooth metrics of one set of renders against the subject's photos (means over images; see docs/metrics.md):
 * CLIP-I and DINO to the photos, CLIP-T to the class prompt (identifier removed), DIV = 1 − DINO cosine between
 * renders of the same prompt.
 */
public record SubjectScores(double clipI, double dino, double clipT, double div, int images) {
}
