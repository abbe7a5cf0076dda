package dev.likeness.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One personalization method (DreamBooth, Textual Inversion, SVDiff, LoRA) as seen by the shared training loop
 * ({@link dev.likeness.training.loop.Trainer}). The loop calls, in order:
 * <ol>
 *   <li>{@link #prepareTokenizer} — choose an identifier / add placeholder tokens;</li>
 *   <li>{@link #instancePrompts} — the concrete instance prompt(s), {@code {id}} resolved;</li>
 *   <li>{@link #attach} — freeze the base model, install {@link dev.likeness.engine.nn.Parameter#override overrides},
 *       create the trainable tensors in the given manager;</li>
 *   <li>per step: forward/backward through the model, then the optimizer updates {@link #trainables()} in place,
 *       then {@link #afterOptimizerStep()};</li>
 *   <li>{@link #state()} / {@link #loadState} for checkpoints, {@link #writeArtifact} at the end,
 *       {@link #detach()} to restore the base model.</li>
 * </ol>
 * Implementations must be deterministic given the config's seed.
 */
public interface FineTuningMethod {

    /** Registry id: {@code dreambooth}, {@code textual-inversion}, {@code svdiff} or {@code lora}. */
    String id();

    /** Adapts the tokenizer before any prompt is encoded (e.g. picks DreamBooth's identifier, adds TI tokens). */
    default void prepareTokenizer(PromptTokenizer tokenizer, TrainingConfig cfg) {
    }

    /**
     * Prompts for instance images; the loop draws one uniformly per sample with its seeded RNG. Default: the config's
     * instance prompt as is. Must be a finite, fixed list so that frozen-encoder embeddings can be cached.
     */
    default List<String> instancePrompts(TrainingConfig cfg) {
        return List.of(cfg.instancePrompt());
    }

    /**
     * {@code prompt} with {@code {id}} replaced the way {@link #instancePrompts} does it (the identifier or the
     * placeholder tokens), for per-image captions and validation prompts. Valid after {@link #prepareTokenizer}.
     * Default: unchanged.
     */
    default String resolvePrompt(String prompt) {
        return prompt;
    }

    /** Class prompt for prior preservation ({@code null} = none). */
    default String classPrompt(TrainingConfig cfg) {
        return cfg.classPrompt();
    }

    /** Freezes what must not train, installs overrides and creates trainables owned by {@code manager}. */
    void attach(TrainingModel model, TrainingConfig cfg, NDManager manager);

    /** The tensors the optimizer updates, in a fixed order. Valid after {@link #attach}. */
    List<TrainableTensor> trainables();

    /**
     * Learning rate per parameter group (see {@link TrainableTensor#group()}); a group not listed uses
     * {@link TrainingConfig#learningRate()}.
     */
    default Map<String, Float> groupLearningRates(TrainingConfig cfg) {
        return Map.of();
    }

    /** Weight decay per parameter group; a group not listed uses {@link TrainingConfig#weightDecay()}. */
    default Map<String, Float> groupWeightDecays(TrainingConfig cfg) {
        return Map.of();
    }

    /**
     * Whether the text encoder's output depends on trained tensors. When false the loop encodes each prompt once and
     * caches the embeddings; when true it runs the text encoder inside every step.
     */
    boolean trainsTextEncoder();

    /** Called after each optimizer update (e.g. to re-impose constraints). */
    default void afterOptimizerStep() {
    }

    /** Trained state keyed by stable names (checkpoints); arrays may be the live tensors (the caller copies). */
    Map<String, NDArray> state();

    /** Restores {@link #state()} (values are copied into the live tensors). */
    void loadState(Map<String, NDArray> state);

    /** Writes the method's artifact (files in {@code dir}, created if needed) with provenance in the metadata. */
    void writeArtifact(Path dir, ArtifactMetadata provenance) throws IOException;

    /** Removes overrides and releases method-owned tensors; the base model is as before {@link #attach}. */
    void detach();
}
