package dev.likeness.engine.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.likeness.engine.nn.Embedding;
import dev.likeness.engine.nn.Module;

/** Token plus absolute position embeddings ({@code token_embedding}, {@code position_embedding}). */
public final class ClipTextEmbeddings extends Module {

    private final Embedding tokenEmbedding;
    private final Embedding positionEmbedding;

    public ClipTextEmbeddings(int vocabSize, int hidden, int maxPositions) {
        this.tokenEmbedding = child("token_embedding", new Embedding(vocabSize, hidden));
        this.positionEmbedding = child("position_embedding", new Embedding(maxPositions, hidden));
    }

    /**
     * @param inputIds {@code [batch, length]} int64, length at most {@code max_position_embeddings}
     * @return {@code [batch, length, hidden]}
     */
    public NDArray forward(NDArray inputIds) {
        long length = inputIds.getShape().get(1);
        if (length > positionEmbedding.size()) {
            throw new IllegalArgumentException("sequence length " + length + " exceeds max_position_embeddings "
                    + positionEmbedding.size());
        }
        try (NDArray tokens = tokenEmbedding.forward(inputIds);
             NDArray positions = inputIds.getManager().arange(0, (int) length, 1, DataType.INT64);
             NDArray pos = positionEmbedding.forward(positions)) {
            return tokens.add(pos);
        }
    }

    public Embedding tokenEmbedding() {
        return tokenEmbedding;
    }

    public Embedding positionEmbedding() {
        return positionEmbedding;
    }
}
