package dev.likeness.world.dataset;

import dev.likeness.world.image.RgbImage;
import dev.likeness.world.render.SceneLayout;
import dev.likeness.world.scene.SceneAttributes;

/**
 * One captioned image of the world.
 *
 * @param index      index within its split
 * @param split      {@link Split#TRAIN} or {@link Split#HELD_OUT}
 * @param image      RGB {@code [size, size, 3]}
 * @param caption    plain-English caption ({@link dev.likeness.world.scene.Captions})
 * @param attributes what the caption says, structured
 * @param layout     the exact placements behind the image
 */
public record WorldSample(long index, Split split, RgbImage image, String caption, SceneAttributes attributes,
                          SceneLayout layout) {
}
