package dev.likeness.world.render;

import java.util.Objects;

/**
 * The continuous details a caption does not state: exact placements and the seed of the background's texture
 * (grass blades, clouds, stars). Together with the attributes they fix every pixel.
 *
 * @param second placement of the second object, or {@code null} when the scene has none
 */
public record SceneLayout(Placement primary, Placement second, long textureSeed) {

    public SceneLayout {
        Objects.requireNonNull(primary, "primary");
    }
}
