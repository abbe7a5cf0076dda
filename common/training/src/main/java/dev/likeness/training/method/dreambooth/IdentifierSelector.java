package dev.likeness.training.method.dreambooth;

import dev.likeness.training.PromptTokenizer;
import dev.likeness.training.TrainingConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Picks DreamBooth's subject identifier "[V]" as the paper describes (Ruiz et al. 2023, §3.2): rare tokens of the
 * tokenizer's vocabulary, each decoding to a short string with weak prior meaning, drawn deterministically from the
 * seed and joined with spaces.
 *
 * <p>A candidate id must lie in the rare range (the last 40 % of the base vocabulary, before special tokens), decode to
 * 2–3 lowercase ASCII letters (no single letters), contain a consonant (no vowel-only strings such as "aa"), not be a
 * common English word, and tokenize back to exactly itself, so the identifier stays one token per part.
 */
public final class IdentifierSelector {

    /** Short English words (and common abbreviations) that carry meaning and must not become identifiers. */
    static final Set<String> COMMON_WORDS = Set.of(
            "ab", "ad", "ah", "am", "an", "as", "at", "aw", "ax", "be", "by", "do", "eh", "go", "ha", "he", "hi",
            "hm", "ho", "id", "if", "in", "is", "it", "la", "lo", "ma", "me", "mr", "ms", "my", "no", "nu", "ok", "of",
            "oh", "on", "or", "ox", "pa", "pi", "so", "to", "tv", "uh", "um", "up", "us", "we", "ye", "yo", "act",
            "add", "age", "ago", "aid", "aim", "air", "all", "and", "ant", "any", "ape", "arm", "art", "ask", "bad",
            "bag", "ban", "bar", "bat", "bed", "bee", "big", "bit", "box", "boy", "bug", "bus", "but", "buy", "cab",
            "can", "cap", "car", "cat", "cow", "cry", "cup", "cut", "dad", "day", "did", "die", "dig", "dog", "dot",
            "dry", "due", "ear", "eat", "egg", "end", "eye", "fan", "far", "fat", "few", "fig", "fit", "fix", "fly",
            "for", "fox", "fun", "fur", "gas", "get", "god", "got", "gum", "gun", "guy", "had", "has", "hat", "her",
            "hey", "him", "his", "hit", "hot", "how", "ice", "ill", "ink", "its", "jam", "jar", "jet", "job", "joy",
            "key", "kid", "kit", "lab", "lap", "law", "lay", "leg", "let", "lid", "lie", "lip", "log", "lot", "low",
            "mad", "man", "map", "may", "men", "mix", "mom", "mud", "mug", "nap", "net", "new", "nor", "not", "now",
            "nut", "oak", "odd", "off", "oil", "old", "one", "our", "out", "owl", "own", "pan", "pay", "pen", "pet",
            "pie", "pig", "pin", "pit", "pop", "pot", "put", "rat", "raw", "red", "rid", "rim", "rip", "rob", "rod",
            "row", "rub", "rug", "run", "sad", "saw", "say", "sea", "see", "set", "sew", "she", "shy", "sin", "sip",
            "sir", "sit", "six", "sky", "spy", "sun", "tab", "tag", "tan", "tap", "tar", "tax", "tea", "ten", "the",
            "tie", "tin", "tip", "toe", "ton", "too", "top", "toy", "try", "tub", "two", "use", "van", "vet", "war",
            "was", "way", "web", "wet", "who", "why", "win", "wit", "won", "yes", "yet", "you", "zoo", "mph", "pdf",
            "usa", "nyc", "nba", "nfl", "dvd", "cbs", "nbc", "bbc", "cnn", "www", "com", "app", "pro", "max", "mrs",
            "dr", "st", "vs", "etc", "lol", "omg", "diy", "dj", "uk", "eu", "ai", "pc", "gb", "mb", "kg", "km", "cm",
            "mm", "ft", "hr", "min", "sec", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "oct", "nov",
            "dec", "mon", "tue", "wed", "thu", "fri", "sat");

    private static final String VOWELS = "aeiouy";
    /** Fraction of the base vocabulary, from the end, treated as rare. */
    private static final double RARE_FRACTION = 0.4;

    private IdentifierSelector() {
    }

    /**
     * Every qualifying id in ascending order.
     *
     * @param baseVocabSize ids below this belong to the trained vocabulary (excludes tokens added at run time)
     */
    public static List<Integer> candidates(PromptTokenizer tokenizer, int baseVocabSize) {
        int hi = baseVocabSize;
        int lo = (int) Math.floor(baseVocabSize * (1 - RARE_FRACTION));
        List<Integer> out = new ArrayList<>();
        for (int id = lo; id < hi; id++) {
            String text = tokenizer.token(id);
            if (text != null && qualifies(text) && roundTrips(tokenizer, text, id)) {
                out.add(id);
            }
        }
        return out;
    }

    /** The lexical rules (length, letters, consonant, not a common word). */
    static boolean qualifies(String text) {
        if (text.length() < 2 || text.length() > 3) {
            return false;
        }
        boolean consonant = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 'a' || c > 'z') {
                return false;
            }
            if (VOWELS.indexOf(c) < 0) {
                consonant = true;
            }
        }
        return consonant && !COMMON_WORDS.contains(text.toLowerCase(Locale.ROOT));
    }

    private static boolean roundTrips(PromptTokenizer tokenizer, String text, int id) {
        long[] ids = tokenizer.encode(text);
        // [bos, id, eos, ...]
        if (ids.length < 3 || ids[1] != id) {
            return false;
        }
        long eos = tokenizer.encode("")[1];
        return ids[2] == eos;
    }

    /**
     * The run's identifier: the method option {@link DreamBooth#OPTION_IDENTIFIER} when set, else
     * {@link DreamBooth#OPTION_IDENTIFIER_TOKENS} rare tokens (default 1) {@link #select selected} from the seed.
     */
    public static String forRun(PromptTokenizer tokenizer, TrainingConfig cfg) {
        String explicit = cfg.methodOption(DreamBooth.OPTION_IDENTIFIER, null);
        if (explicit != null && !explicit.isBlank()) {
            return explicit.trim();
        }
        return select(tokenizer, cfg.seed(), Integer.parseInt(cfg.methodOption(DreamBooth.OPTION_IDENTIFIER_TOKENS,
                "1")));
    }

    /**
     * {@code prompt} with {@code {id}} replaced by {@code identifier}; refuses a prompt that needs an identifier
     * before one was chosen.
     */
    public static String substitute(String prompt, String identifier) {
        if (identifier == null) {
            if (prompt.contains("{id}")) {
                throw new IllegalStateException("prepareTokenizer must run before prompts are resolved");
            }
            return prompt;
        }
        return prompt.replace("{id}", identifier);
    }

    /**
     * A deterministic identifier of {@code parts} rare tokens for {@code seed}, e.g. {@code "sks"} or {@code "qtv zr"}.
     */
    public static String select(PromptTokenizer tokenizer, long seed, int parts) {
        if (parts < 1 || parts > 3) {
            throw new IllegalArgumentException("an identifier has 1 to 3 rare tokens, got " + parts);
        }
        List<Integer> pool = candidates(tokenizer, tokenizer.vocabSize());
        if (pool.size() < parts) {
            throw new IllegalStateException("the tokenizer's vocabulary (" + tokenizer.vocabSize()
                    + " ids) has only " + pool.size() + " rare-token candidates; cannot build a " + parts
                    + "-token identifier. Pass an explicit identifier instead.");
        }
        SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
        List<Integer> remaining = new ArrayList<>(pool);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < parts; i++) {
            int id = remaining.remove(r.nextInt(remaining.size()));
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(tokenizer.token(id));
        }
        return sb.toString();
    }
}
