/**
 * Issue 8's quality bars of a default world: {@link dev.likeness.worldmodels.quality.WorldQuality} (caption
 * following judged by the world CLIP's zero-shot classifier, SVDiff personalization margins in CLIP-I / DINO /
 * CLIP-T, DreamBooth prior preservation in PRES), {@link dev.likeness.worldmodels.quality.QualityBars} (the
 * thresholds), {@link dev.likeness.worldmodels.quality.QualityReport} (the Markdown table) and the {@code quality}
 * command ({@link dev.likeness.worldmodels.quality.QualityCommand}). Rendering is batched and seed-exact
 * ({@code PromptRenderer}); fine-tuning goes through the training module's {@code Trainer} ({@code SubjectTuning}).
 */
package dev.likeness.worldmodels.quality;
