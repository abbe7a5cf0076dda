package dev.likeness.metrics.protocol;

import java.util.List;

/**
 * The 25 evaluation prompts per subject kind of the DreamBooth dataset ({@code google/dreambooth}): 10
 * recontextualisations shared by both kinds, then 10 more recontextualisations for objects or 10 accessorisations for
 * live subjects, then 5 property modifications. {@code {0}} is the unique identifier, {@code {1}} the class noun.
 */
public final class PromptTemplates {

    private static final List<String> SHARED_CONTEXTS = List.of(
            "a {0} {1} in the jungle",
            "a {0} {1} in the snow",
            "a {0} {1} on the beach",
            "a {0} {1} on a cobblestone street",
            "a {0} {1} on top of pink fabric",
            "a {0} {1} on top of a wooden floor",
            "a {0} {1} with a city in the background",
            "a {0} {1} with a mountain in the background",
            "a {0} {1} with a blue house in the background",
            "a {0} {1} on top of a purple rug in a forest");

    private static final List<String> OBJECT_CONTEXTS = List.of(
            "a {0} {1} with a wheat field in the background",
            "a {0} {1} with a tree and autumn leaves in the background",
            "a {0} {1} with the Eiffel Tower in the background",
            "a {0} {1} floating on top of water",
            "a {0} {1} floating in an ocean of milk",
            "a {0} {1} on top of green grass with sunflowers around it",
            "a {0} {1} on top of a mirror",
            "a {0} {1} on top of the sidewalk in a crowded street",
            "a {0} {1} on top of a dirt road",
            "a {0} {1} on top of a white rug");

    private static final List<String> LIVE_ACCESSORIES = List.of(
            "a {0} {1} wearing a red hat",
            "a {0} {1} wearing a santa hat",
            "a {0} {1} wearing a rainbow scarf",
            "a {0} {1} wearing a black top hat and a monocle",
            "a {0} {1} in a chef outfit",
            "a {0} {1} in a firefighter outfit",
            "a {0} {1} in a police outfit",
            "a {0} {1} wearing pink glasses",
            "a {0} {1} wearing a yellow shirt",
            "a {0} {1} in a purple wizard outfit");

    private static final List<String> PROPERTIES = List.of(
            "a red {0} {1}",
            "a purple {0} {1}",
            "a shiny {0} {1}",
            "a wet {0} {1}",
            "a cube shaped {0} {1}");

    public static final List<String> OBJECT = concat(SHARED_CONTEXTS, OBJECT_CONTEXTS, PROPERTIES);
    public static final List<String> LIVE = concat(SHARED_CONTEXTS, LIVE_ACCESSORIES, PROPERTIES);

    private PromptTemplates() {
    }

    public static List<String> forKind(SubjectKind kind) {
        return kind == SubjectKind.LIVE ? LIVE : OBJECT;
    }

    /**
     * Fills a template. With an empty identifier the double space collapses, giving the class-only prompt used for
     * CLIP-T and for prior-preservation images ({@code "a dog in the snow"}).
     */
    public static String fill(String template, String identifier, String classNoun) {
        if (!template.contains("{1}")) {
            throw new IllegalArgumentException("template has no {1} class-noun slot: '" + template + "'");
        }
        String s = template.replace("{0}", identifier).replace("{1}", classNoun);
        return s.replaceAll(" {2,}", " ").strip();
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        return java.util.Arrays.stream(parts).flatMap(List::stream).toList();
    }
}
