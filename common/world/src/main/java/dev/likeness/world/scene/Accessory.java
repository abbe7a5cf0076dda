package dev.likeness.world.scene;

/** Extra parts only subjects have; base objects always have {@link #NONE}. */
public enum Accessory {
    NONE,
    /** An ear-shaped handle on the right side (the spiral vase). */
    HANDLE,
    /** A tilted ring around the object, like a planet's (the planet ball). */
    ORBIT,
    /** A fluffy ball on the apex (the party cone). */
    POMPOM;

    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
