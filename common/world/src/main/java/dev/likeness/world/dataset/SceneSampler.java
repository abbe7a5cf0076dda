package dev.likeness.world.dataset;

import dev.likeness.world.render.Placement;
import dev.likeness.world.render.SceneLayout;
import dev.likeness.world.scene.Accessory;
import dev.likeness.world.scene.Background;
import dev.likeness.world.scene.Colour;
import dev.likeness.world.scene.Horizontal;
import dev.likeness.world.scene.ObjectAttributes;
import dev.likeness.world.scene.ObjectClass;
import dev.likeness.world.scene.Pattern;
import dev.likeness.world.scene.SceneAttributes;
import dev.likeness.world.scene.Size;
import dev.likeness.world.scene.Vertical;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws base scenes: every attribute uniformly from its base values (so classes, colours, patterns, backgrounds are
 * balanced), then a layout with small jitter inside the named third of the image. Subject-only colours, patterns
 * and accessories are never drawn.
 */
public final class SceneSampler {

    /** Attributes and layout of one drawn scene. */
    public record Draw(SceneAttributes attributes, SceneLayout layout) {
    }

    private static final double JITTER = 0.035;

    private SceneSampler() {
    }

    public static Draw draw(SplittableRandom rng, double secondObjectProbability) {
        Background background = pick(rng, Background.values());
        boolean hasSecond = rng.nextDouble() < secondObjectProbability;
        Horizontal h = hasSecond ? (rng.nextBoolean() ? Horizontal.LEFT : Horizontal.RIGHT)
                : pick(rng, Horizontal.values());
        Vertical v = pick(rng, Vertical.values());
        ObjectAttributes primary = new ObjectAttributes(pick(rng, ObjectClass.values()), pick(rng, Colour.base()),
                pick(rng, Pattern.base()), pick(rng, Size.values()), h, v, Accessory.NONE);
        Placement primaryPlace = place(rng, primary);
        ObjectAttributes second = null;
        Placement secondPlace = null;
        if (hasSecond) {
            second = new ObjectAttributes(pick(rng, ObjectClass.values()), pick(rng, Colour.base()),
                    pick(rng, Pattern.base()), Size.SMALL, h.opposite(), v, Accessory.NONE);
            secondPlace = place(rng, second);
        }
        SceneLayout layout = new SceneLayout(primaryPlace, secondPlace, rng.nextLong());
        return new Draw(new SceneAttributes(background, primary, second), layout);
    }

    /** A placement inside the object's named third, sized by its size word, posed by its class. */
    public static Placement place(SplittableRandom rng, ObjectAttributes o) {
        double x = o.horizontal().x() + rng.nextDouble(-JITTER, JITTER);
        double y = o.vertical().y() + rng.nextDouble(-JITTER, JITTER);
        double radius = o.size() == Size.SMALL ? rng.nextDouble(0.11, 0.14) : rng.nextDouble(0.19, 0.23);
        double rotation = switch (o.objectClass()) {
            case BALL -> rng.nextDouble(-Math.PI, Math.PI); // a sphere may turn any way; its pattern shows it
            case STAR -> rng.nextDouble(-0.5, 0.5);
            case RING -> 0;
            default -> rng.nextDouble(-0.18, 0.18);
        };
        return new Placement(x, y, radius, rotation, rng.nextBoolean());
    }

    private static <T> T pick(SplittableRandom rng, T[] values) {
        return values[rng.nextInt(values.length)];
    }

    private static <T> T pick(SplittableRandom rng, List<T> values) {
        return values.get(rng.nextInt(values.size()));
    }
}
