package dev.likeness.engine.model.clip;

import ai.djl.ndarray.NDArray;

import java.util.List;

/**
 * The text encoder's outputs; closing it closes every array it holds.
 *
 * @param lastHiddenState {@code [batch, length, hidden]} after {@code final_layer_norm}
 * @param pooledOutput    {@code [batch, hidden]}, the end-of-text row of {@code lastHiddenState}
 * @param hiddenStates    embeddings then each layer's output ({@code num_hidden_layers + 1} arrays of
 *                        {@code [batch, length, hidden]}, before the final norm); empty unless requested
 */
public record ClipTextOutput(NDArray lastHiddenState, NDArray pooledOutput, List<NDArray> hiddenStates)
        implements AutoCloseable {

    @Override
    public void close() {
        lastHiddenState.close();
        pooledOutput.close();
        hiddenStates.forEach(NDArray::close);
    }
}
