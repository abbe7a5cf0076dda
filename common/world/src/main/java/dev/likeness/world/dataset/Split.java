package dev.likeness.world.dataset;

/** Which part of the world a sample comes from. */
public enum Split {
    /** Compositions the base model is trained on. */
    TRAIN,
    /** Compositions (class, colour, pattern) never shown in training: for generalisation and zero-shot tests. */
    HELD_OUT,
    /** Every composition, no filtering. */
    ALL;

    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    public static Split ofId(String id) {
        for (Split s : values()) {
            if (s.id().equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown split '" + id + "' (train, held-out or all)");
    }
}
