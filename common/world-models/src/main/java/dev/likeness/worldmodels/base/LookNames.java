package dev.likeness.worldmodels.base;

import dev.likeness.world.scene.Colour;
import dev.likeness.world.scene.ObjectAttributes;
import dev.likeness.world.scene.Pattern;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * One-word names for looks (a base colour with a base pattern) that base-model captions may use instead of the
 * colour and pattern words: "a large kitchen vase on grass" is a white striped vase if "kitchen" names white striped.
 *
 * <p>Why: a text encoder trained only on world captions learns to pass on little of a token it never saw, so a
 * DreamBooth identifier ("a photo of sks vase") barely changes its output (6–7 % against "a photo of a vase",
 * docs/world.md) and the UNet cannot tell the instance prompt from the class prompt. With names, the slot before
 * the class noun carries a look the image depends on, so the encoder learns to carry that slot's token, as CLIP,
 * trained on web text full of names, does for a rare token.
 *
 * <p>The names are general words of the world tokenizer that no world caption uses and that are one token each;
 * which look each names is fixed by a seeded shuffle. There are fewer names than looks; unnamed looks keep their
 * words. The subjects' identifiers ({@code sks}, {@code zwx}, {@code ohwx}, {@code qlv}) are never names.
 */
public final class LookNames {

    /**
     * One token each in the world tokenizer (checked by {@code CaptionAugmentationTest}); none occurs in a world
     * caption.
     */
    static final List<String> NAMES = List.of("beach", "mountain", "forest", "city", "garden", "lake", "ocean",
            "desert", "field", "house", "kitchen", "box", "basket", "bowl", "cup", "bag", "hat", "flower", "leaf",
            "moon", "autumn", "morning", "evening", "dusk", "mountains", "leaves", "clouds", "ink", "cartoon", "clay",
            "glass", "metal", "ceramic", "fabric");

    private static final long SEED = 20261207L;
    private static final Map<String, String> BY_LOOK = assign();

    private LookNames() {
    }

    private static Map<String, String> assign() {
        List<String> looks = new ArrayList<>();
        for (Colour c : Colour.base()) {
            for (Pattern p : Pattern.base()) {
                looks.add(key(c, p));
            }
        }
        Collections.shuffle(looks, new Random(SEED));
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < Math.min(NAMES.size(), looks.size()); i++) {
            out.put(looks.get(i), NAMES.get(i));
        }
        return Collections.unmodifiableMap(out);
    }

    private static String key(Colour c, Pattern p) {
        return c.name() + "/" + p.name();
    }

    /** The name of {@code o}'s colour and pattern, if that look has one. */
    public static Optional<String> of(ObjectAttributes o) {
        return Optional.ofNullable(BY_LOOK.get(key(o.colour(), o.pattern())));
    }

    /** Look key ("WHITE/STRIPED") → name, in assignment order. */
    public static Map<String, String> table() {
        return BY_LOOK;
    }
}
