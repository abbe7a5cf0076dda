package dev.likeness.metrics.metric;

/** The DreamBooth evaluation metrics (Ruiz et al. 2023, Sec. 4.1 and 4.3). */
public enum Metric {
    /** Subject fidelity: mean DINO-CLS cosine between generated and real images. Higher is better. */
    DINO("DINO", true),
    /** Subject fidelity: mean CLIP image-embedding cosine between generated and real images. Higher is better. */
    CLIP_I("CLIP-I", true),
    /** Prompt fidelity: CLIP cosine between a generated image and its prompt (identifier removed). Higher is better. */
    CLIP_T("CLIP-T", true),
    /**
     * Prior preservation: DINO cosine between class images from the fine-tuned model and the real subject. Lower is
     * better (the class prior did not collapse onto the subject).
     */
    PRES("PRES", false),
    /** Diversity among images of the same prompt: LPIPS, or 1 − DINO cosine when no LPIPS weights are given. */
    DIV("DIV", true);

    private final String label;
    private final boolean higherIsBetter;

    Metric(String label, boolean higherIsBetter) {
        this.label = label;
        this.higherIsBetter = higherIsBetter;
    }

    public String label() {
        return label;
    }

    public boolean higherIsBetter() {
        return higherIsBetter;
    }
}
