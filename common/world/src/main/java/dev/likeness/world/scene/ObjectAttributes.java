package dev.likeness.world.scene;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** Everything a caption says about one object, plus its subject-only extras (none for base objects). */
public record ObjectAttributes(ObjectClass objectClass, Colour colour, Pattern pattern, Size size,
                               Horizontal horizontal, Vertical vertical, Accessory accessory) {

    public ObjectAttributes {
        Objects.requireNonNull(objectClass, "objectClass");
        Objects.requireNonNull(colour, "colour");
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(size, "size");
        Objects.requireNonNull(horizontal, "horizontal");
        Objects.requireNonNull(vertical, "vertical");
        Objects.requireNonNull(accessory, "accessory");
    }

    /** True when any attribute belongs only to subjects (colour, pattern or accessory). */
    public boolean hasSubjectFeature() {
        return colour.subjectOnly() || pattern.subjectOnly() || accessory != Accessory.NONE;
    }

    /** The tuple the train/held-out split hashes: class, colour and pattern ("vase|red|striped"). */
    public String compositionKey() {
        return objectClass.noun() + "|" + colour.word() + "|" + pattern.id();
    }

    /** Attribute names to values, as exported in {@code captions.jsonl}. */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("class", objectClass.noun());
        m.put("colour", colour.word());
        m.put("pattern", pattern.id());
        m.put("size", size.word());
        m.put("horizontal", horizontal.word());
        m.put("vertical", vertical.word());
        if (accessory != Accessory.NONE) {
            m.put("accessory", accessory.id());
        }
        return m;
    }
}
