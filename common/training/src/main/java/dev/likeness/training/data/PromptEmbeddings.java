package dev.likeness.training.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.likeness.training.TrainingModel;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Text-encoder outputs of a fixed set of prompts, computed once when the text encoder does not train.
 */
public final class PromptEmbeddings implements AutoCloseable {

    private final Map<String, NDArray> byPrompt = new LinkedHashMap<>();

    private PromptEmbeddings() {
    }

    /** Encodes each distinct prompt to {@code [1, tokens, dim]} in {@code manager}. */
    public static PromptEmbeddings encode(TrainingModel model, List<String> prompts, NDManager manager) {
        PromptEmbeddings out = new PromptEmbeddings();
        for (String p : prompts) {
            if (out.byPrompt.containsKey(p)) {
                continue;
            }
            try (NDManager scratch = manager.newSubManager()) {
                NDArray ids = inputIds(model, List.of(p), scratch);
                NDArray h = model.textEncoderFn().encode(ids);
                NDArray kept = h.duplicate();
                kept.attach(manager);
                h.attach(scratch);
                out.byPrompt.put(p, kept);
            }
        }
        return out;
    }

    /** Token ids of {@code prompts} as {@code [n, maxLength]} int64. */
    public static NDArray inputIds(TrainingModel model, List<String> prompts, NDManager manager) {
        int len = model.tokenizer().maxLength();
        long[] ids = new long[prompts.size() * len];
        for (int i = 0; i < prompts.size(); i++) {
            long[] row = model.tokenizer().encode(prompts.get(i));
            if (row.length != len) {
                throw new IllegalStateException("tokenizer returned " + row.length + " ids, expected " + len);
            }
            System.arraycopy(row, 0, ids, i * len, len);
        }
        return manager.create(ids, new Shape(prompts.size(), len));
    }

    /** The cached embedding of {@code prompt} ({@code [1, tokens, dim]}). */
    public NDArray get(String prompt) {
        NDArray a = byPrompt.get(prompt);
        if (a == null) {
            throw new IllegalArgumentException("prompt not in the embedding cache: '" + prompt + "'");
        }
        return a;
    }

    @Override
    public void close() {
        byPrompt.values().forEach(NDArray::close);
        byPrompt.clear();
    }
}
