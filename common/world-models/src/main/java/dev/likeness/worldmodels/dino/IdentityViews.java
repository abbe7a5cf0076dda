package dev.likeness.worldmodels.dino;

import dev.likeness.world.image.RgbImage;
import dev.likeness.world.render.Placement;
import dev.likeness.world.render.SceneLayout;
import dev.likeness.world.render.SceneRenderer;
import dev.likeness.world.dataset.SceneSampler;
import dev.likeness.world.scene.Background;
import dev.likeness.world.scene.Horizontal;
import dev.likeness.world.scene.ObjectAttributes;
import dev.likeness.world.scene.ObjectClass;
import dev.likeness.world.scene.SceneAttributes;
import dev.likeness.world.scene.Size;
import dev.likeness.world.scene.Vertical;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Renders "photos" of one {@link Identity} in random scenes: any background, size, cell, a turn of up to ±0.4 rad
 * (the subject photos turn up to ±0.35), mirrored or not, and with probability {@code secondObjectProbability} a
 * small distractor object on the other side. Two views of the same identity are a positive pair.
 */
public final class IdentityViews {

    private static final double MAX_TURN = 0.4;

    private final SceneRenderer renderer;
    private final List<Identity> distractors;
    private final double secondObjectProbability;

    /**
     * @param size        output side in pixels (32 for the world encoders)
     * @param distractors looks a second object may have
     */
    public IdentityViews(int size, List<Identity> distractors, double secondObjectProbability) {
        if (distractors.isEmpty()) {
            throw new IllegalArgumentException("need at least one distractor look");
        }
        if (!(secondObjectProbability >= 0 && secondObjectProbability <= 1)) {
            throw new IllegalArgumentException("second object probability must be in [0, 1], got "
                    + secondObjectProbability);
        }
        this.renderer = new SceneRenderer(size);
        this.distractors = List.copyOf(distractors);
        this.secondObjectProbability = secondObjectProbability;
    }

    public int size() {
        return renderer.size();
    }

    /** One random view of {@code identity}. */
    public RgbImage render(Identity identity, SplittableRandom rng) {
        Background background = Background.values()[rng.nextInt(Background.values().length)];
        boolean second = rng.nextDouble() < secondObjectProbability;
        Horizontal h = second ? (rng.nextBoolean() ? Horizontal.LEFT : Horizontal.RIGHT)
                : Horizontal.values()[rng.nextInt(Horizontal.values().length)];
        Vertical v = Vertical.values()[rng.nextInt(Vertical.values().length)];
        Size size = rng.nextBoolean() ? Size.SMALL : Size.LARGE;
        ObjectAttributes main = identity.at(size, h, v);
        Placement placed = posed(SceneSampler.place(rng, main), main.objectClass(), rng);
        ObjectAttributes other = null;
        Placement otherPlaced = null;
        if (second) {
            Identity d = distractors.get(rng.nextInt(distractors.size()));
            other = d.at(Size.SMALL, h.opposite(), v);
            otherPlaced = SceneSampler.place(rng, other);
        }
        SceneAttributes scene = new SceneAttributes(background, main, other);
        return renderer.render(scene, new SceneLayout(placed, otherPlaced, rng.nextLong()));
    }

    // balls already turn freely and rings never turn in the world; others get the subject photos' range
    private static Placement posed(Placement p, ObjectClass c, SplittableRandom rng) {
        double turn = c == ObjectClass.BALL || c == ObjectClass.RING ? p.rotation()
                : rng.nextDouble(-MAX_TURN, MAX_TURN);
        return new Placement(p.x(), p.y(), p.radius(), turn, rng.nextBoolean());
    }
}
