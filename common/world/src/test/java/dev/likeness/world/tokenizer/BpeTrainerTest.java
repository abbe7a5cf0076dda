package dev.likeness.world.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BpeTrainerTest {

    @Test
    void learnsTheMostFrequentPairsFirstWithLexicographicTieBreak() {
        // Sennrich et al.'s example: low×5, lower×2, newest×6, widest×3.
        Map<String, Long> counts = Map.of("low", 5L, "lower", 2L, "newest", 6L, "widest", 3L);
        BpeTrainer.Model m = BpeTrainer.train(counts, 515);
        // (e,s) and (s,t</w>) both occur 9 times: "e s" sorts first; then "es t</w>" (9), then "l o" (7)
        assertThat(m.merges()).containsExactly("e s", "es t</w>", "l o");
        assertThat(m.tokens()).hasSize(515);
        assertThat(m.tokens().subList(512, 515)).containsExactly("es", "est</w>", "lo");
        assertThat(m.tokens().get(0)).isEqualTo("!");
        assertThat(m.tokens().get(256)).isEqualTo("!</w>");
        assertThat(m.tokens().get(187)).isEqualTo("ÿ");
        assertThat(m.tokens().get(188)).isEqualTo(String.valueOf((char) 0x100)); // byte 0
    }

    @Test
    void stopsWhenNoPairIsLeft() {
        BpeTrainer.Model m = BpeTrainer.train(Map.of("ab", 1L), 600);
        assertThat(m.merges()).containsExactly("a b</w>");
        assertThat(m.tokens()).hasSize(513).endsWith("ab</w>");
        assertThatThrownBy(() -> BpeTrainer.train(Map.of("ab", 1L), 100)).hasMessageContaining("512");
    }
}
