package dev.likeness.world.scene;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The structured description of one image: a background, a main object and optionally a second, smaller object on
 * the other side. The caption is a function of these attributes ({@link Captions#caption}).
 *
 * @param second the second object, or {@code null}
 */
public record SceneAttributes(Background background, ObjectAttributes primary, ObjectAttributes second) {

    public SceneAttributes {
        Objects.requireNonNull(background, "background");
        Objects.requireNonNull(primary, "primary");
        if (second != null) {
            if (primary.horizontal() == Horizontal.CENTER || second.horizontal() != primary.horizontal().opposite()) {
                throw new IllegalArgumentException("a second object must sit on the side opposite the main object, "
                        + "but they are at " + primary.horizontal().word() + " and " + second.horizontal().word());
            }
        }
    }

    public Optional<ObjectAttributes> secondObject() {
        return Optional.ofNullable(second);
    }

    public boolean hasSubjectFeature() {
        return primary.hasSubjectFeature() || (second != null && second.hasSubjectFeature());
    }

    /** Attribute names to values (nested maps for the objects), as exported in {@code captions.jsonl}. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("background", background.id());
        m.put("object", primary.toMap());
        if (second != null) {
            m.put("second", second.toMap());
        }
        return m;
    }
}
