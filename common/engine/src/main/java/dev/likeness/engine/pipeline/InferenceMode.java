package dev.likeness.engine.pipeline;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Switches libtorch's autograd recording off for the current thread while sampling (torch's {@code no_grad}):
 * grad mode is per thread and on by default for new threads, and fine-tuning methods may install trainable weight
 * overrides, so without this every step would record a graph. Restores the previous mode on close.
 */
final class InferenceMode implements AutoCloseable {

    private final boolean pytorch;
    private final boolean previous;

    InferenceMode() {
        pytorch = "PyTorch".equals(Engine.getInstance().getEngineName());
        previous = pytorch && JniUtils.isGradMode();
        if (pytorch) {
            JniUtils.setGradMode(false);
        }
    }

    @Override
    public void close() {
        if (pytorch) {
            JniUtils.setGradMode(previous);
        }
    }
}
