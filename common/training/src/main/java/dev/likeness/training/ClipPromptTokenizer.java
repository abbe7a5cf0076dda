package dev.likeness.training;

import dev.likeness.engine.tokenizer.ClipTokenizer;

import java.util.OptionalInt;

/** {@link PromptTokenizer} over the engine's CLIP tokenizer. */
public final class ClipPromptTokenizer implements PromptTokenizer {

    private final ClipTokenizer tokenizer;

    public ClipPromptTokenizer(ClipTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    public ClipTokenizer clipTokenizer() {
        return tokenizer;
    }

    @Override
    public long[] encode(String prompt) {
        return tokenizer.encode(prompt).inputIds();
    }

    @Override
    public int maxLength() {
        return tokenizer.maxLength();
    }

    @Override
    public int vocabSize() {
        return tokenizer.vocabSize();
    }

    @Override
    public String token(int id) {
        try {
            return tokenizer.decode(new long[] {id}, false).trim();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public OptionalInt id(String token) {
        try {
            return OptionalInt.of(tokenizer.tokenId(token));
        } catch (IllegalArgumentException e) {
            return OptionalInt.empty();
        }
    }

    @Override
    public int addToken(String token) {
        if (id(token).isPresent()) {
            throw new IllegalArgumentException("token '" + token + "' already exists in the vocabulary");
        }
        return tokenizer.addTokens(token)[0];
    }
}
