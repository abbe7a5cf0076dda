package dev.likeness.training.loop;

/** Training stopped because the loss (or the gradient norm) stopped being a finite number. */
public final class NanLossException extends RuntimeException {

    private final int step;
    private final float value;

    public NanLossException(int step, float value, String what, float learningRate) {
        super(what + " became " + value + " at step " + (step + 1) + " (learning rate " + learningRate
                + "): training stopped. Lower the learning rate, enable gradient clipping, or check the training"
                + " images for corrupt data.");
        this.step = step;
        this.value = value;
    }

    /** Zero-based step at which the non-finite value appeared. */
    public int step() {
        return step;
    }

    public float value() {
        return value;
    }
}
