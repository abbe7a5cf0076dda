package dev.likeness.metrics.protocol;

/** The DreamBooth dataset splits its subjects into objects and live subjects (dogs, cats), with different prompts. */
public enum SubjectKind {
    OBJECT,
    LIVE
}
