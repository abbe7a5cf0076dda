package dev.likeness.training;

import java.util.OptionalInt;

/**
 * What training needs from a tokenizer: turning prompts into fixed-length id rows and looking at the vocabulary. The
 * engine's CLIP tokenizer is adapted to this by {@link TrainingModels}; tests may use their own.
 */
public interface PromptTokenizer {

    /** Token ids of {@code prompt} with start/end tokens, truncated and padded to {@link #maxLength()}. */
    long[] encode(String prompt);

    /** Row length of {@link #encode} (77 for CLIP). */
    int maxLength();

    /** Number of ids in use, including tokens added by {@link #addToken}. */
    int vocabSize();

    /** The text one id decodes to, trimmed (e.g. {@code "sks"} for {@code sks</w>}), or {@code null} if unknown. */
    String token(int id);

    /** The id of a vocabulary entry as stored (e.g. {@code "sks</w>"}) or of an added token, if present. */
    OptionalInt id(String token);

    /**
     * Adds {@code token} as a new, unsplittable word and returns its id (Textual Inversion placeholders). Fails if
     * the token already exists.
     */
    default int addToken(String token) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot add tokens");
    }
}
