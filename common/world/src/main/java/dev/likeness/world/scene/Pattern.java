package dev.likeness.world.scene;

import java.util.Arrays;
import java.util.List;

/**
 * Surface patterns. {@link #adjective()} is the caption word ({@code null} for plain: captions say "a red vase").
 * Subject-only patterns are the subjects' distinctive marks; base samples never use them.
 */
public enum Pattern {
    PLAIN(null, false),
    STRIPED("striped", false),
    DOTTED("dotted", false),
    CHECKERED("checkered", false),
    /** Two-tone spiral (the spiral vase). */
    SPIRAL("spiral", true),
    /** Eyes, a smile and cheeks (the smiling star). */
    FACE("face", true),
    /** Upper and lower halves in two colours with a bright equator (the planet ball). */
    HALVES("halves", true),
    /** Rainbow bands (the party cone). */
    RAINBOW("rainbow", true);

    private static final List<Pattern> BASE = Arrays.stream(values()).filter(p -> !p.subjectOnly).toList();

    private final String adjective;
    private final boolean subjectOnly;

    Pattern(String adjective, boolean subjectOnly) {
        this.adjective = adjective;
        this.subjectOnly = subjectOnly;
    }

    /** Caption adjective, or {@code null} for {@link #PLAIN}. */
    public String adjective() {
        return adjective;
    }

    /** Stable identifier used in exported attributes ("plain", "striped", …). */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public boolean subjectOnly() {
        return subjectOnly;
    }

    /** The patterns base samples draw from, in declaration order. */
    public static List<Pattern> base() {
        return BASE;
    }
}
