package dev.likeness.world.tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Learns byte-level BPE merges in CLIP's layout. Every word is a sequence of byte characters whose last symbol
 * carries the {@code </w>} end-of-word marker; each round merges the most frequent adjacent pair (count weighted
 * by word frequency; ties go to the lexicographically smaller pair, so training is deterministic) in every word.
 * The vocabulary is the 256 byte tokens, the 256 byte+{@code </w>} tokens, then each merge's result in the order
 * learned (a result already present keeps its first id).
 */
public final class BpeTrainer {

    static final String WORD_END = "</w>";

    /**
     * @param tokens vocabulary in id order (no special tokens)
     * @param merges merge rules in rank order, each "left right"
     */
    public record Model(List<String> tokens, List<String> merges) {
    }

    private BpeTrainer() {
    }

    /**
     * @param wordCounts byte-level-encoded pre-tokens ({@link ByteLevel#encode}) and their frequencies
     * @param maxTokens  stop when the vocabulary has this many tokens (at least 512), or when no pair is left
     */
    public static Model train(Map<String, Long> wordCounts, int maxTokens) {
        if (maxTokens < 512) {
            throw new IllegalArgumentException("a byte-level vocabulary needs at least 512 tokens, asked for "
                    + maxTokens);
        }
        Set<String> vocab = new LinkedHashSet<>();
        for (char c : ByteLevel.ORDERED) {
            vocab.add(String.valueOf(c));
        }
        for (char c : ByteLevel.ORDERED) {
            vocab.add(c + WORD_END);
        }
        List<Word> words = new ArrayList<>();
        new TreeMap<>(wordCounts).forEach((w, n) -> {
            if (w.isEmpty() || n <= 0) {
                throw new IllegalArgumentException("word counts must be positive and words non-empty: '" + w + "'");
            }
            words.add(new Word(symbols(w), n));
        });
        List<String> merges = new ArrayList<>();
        while (vocab.size() < maxTokens) {
            String[] best = mostFrequentPair(words);
            if (best == null) {
                break;
            }
            merges.add(best[0] + " " + best[1]);
            vocab.add(best[0] + best[1]);
            for (Word w : words) {
                w.merge(best[0], best[1]);
            }
        }
        return new Model(List.copyOf(vocab), List.copyOf(merges));
    }

    private static List<String> symbols(String word) {
        List<String> s = new ArrayList<>(word.length());
        for (int i = 0; i < word.length(); i++) {
            s.add(i == word.length() - 1 ? word.charAt(i) + WORD_END : String.valueOf(word.charAt(i)));
        }
        return s;
    }

    private static String[] mostFrequentPair(List<Word> words) {
        Map<String, Long> counts = new HashMap<>();
        for (Word w : words) {
            for (int i = 0; i + 1 < w.symbols.size(); i++) {
                counts.merge(w.symbols.get(i) + " " + w.symbols.get(i + 1), w.count, Long::sum);
            }
        }
        String best = null;
        long bestCount = 0;
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            long c = e.getValue();
            if (c > bestCount || (c == bestCount && e.getKey().compareTo(best) < 0)) {
                best = e.getKey();
                bestCount = c;
            }
        }
        return best == null ? null : best.split(" ", 2);
    }

    private static final class Word {
        private List<String> symbols;
        private final long count;

        Word(List<String> symbols, long count) {
            this.symbols = symbols;
            this.count = count;
        }

        /** Merges every occurrence of (left, right), left to right, as BPE application does. */
        void merge(String left, String right) {
            if (symbols.size() < 2) {
                return;
            }
            List<String> out = new ArrayList<>(symbols.size());
            for (int i = 0; i < symbols.size(); i++) {
                if (i + 1 < symbols.size() && symbols.get(i).equals(left) && symbols.get(i + 1).equals(right)) {
                    out.add(left + right);
                    i++;
                } else {
                    out.add(symbols.get(i));
                }
            }
            symbols = out;
        }
    }
}
