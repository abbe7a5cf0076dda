package dev.likeness.training;

/** Learning-rate schedules, named as diffusers' {@code get_scheduler} names them. */
public enum LearningRateScheduleKind {
    CONSTANT("constant"),
    CONSTANT_WITH_WARMUP("constant_with_warmup"),
    COSINE("cosine"),
    LINEAR("linear");

    private final String id;

    LearningRateScheduleKind(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static LearningRateScheduleKind fromId(String id) {
        for (LearningRateScheduleKind k : values()) {
            if (k.id.equals(id)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown learning-rate schedule '" + id
                + "' (expected constant, constant_with_warmup, cosine or linear)");
    }
}
