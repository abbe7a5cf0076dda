package dev.likeness.training.method.dreambooth;

import dev.likeness.engine.testing.Golden;
import dev.likeness.engine.tokenizer.ClipTokenizer;
import dev.likeness.training.ClipPromptTokenizer;
import dev.likeness.training.PromptTokenizer;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdentifierSelectorTest {

    private static PromptTokenizer tokenizer() throws Exception {
        return new ClipPromptTokenizer(ClipTokenizer.load(Golden.path("tiny-sd/tokenizer")));
    }

    @Test
    void deterministicPerSeedAndObeysTheRules() throws Exception {
        PromptTokenizer tok = tokenizer();
        List<Integer> pool = IdentifierSelector.candidates(tok, tok.vocabSize());
        assertThat(pool).isNotEmpty();
        for (int id : pool) {
            assertThat(id).isGreaterThanOrEqualTo(600);
            String text = tok.token(id);
            assertThat(text).matches("[a-z]{2,3}").matches(".*[^aeiouy].*");
            assertThat(IdentifierSelector.COMMON_WORDS).doesNotContain(text);
            long[] ids = tok.encode(text);
            assertThat(ids[1]).isEqualTo(id);
            assertThat(ids[2]).isEqualTo(999);
        }
        Set<String> seen = new HashSet<>();
        for (long seed = 0; seed < 20; seed++) {
            String a = IdentifierSelector.select(tok, seed, 2);
            assertThat(IdentifierSelector.select(tok, seed, 2)).isEqualTo(a);
            String[] parts = a.split(" ");
            assertThat(parts).hasSize(2);
            assertThat(parts[0]).isNotEqualTo(parts[1]);
            long[] ids = tok.encode(a);
            assertThat(ids[3]).isEqualTo(999);
            seen.add(a);
        }
        assertThat(seen.size()).isGreaterThan(10);
    }

    @Test
    void lexicalRules() {
        assertThat(IdentifierSelector.qualifies("sks")).isTrue();
        assertThat(IdentifierSelector.qualifies("s")).isFalse();
        assertThat(IdentifierSelector.qualifies("dog")).isFalse();
        assertThat(IdentifierSelector.qualifies("aie")).isFalse();
        assertThat(IdentifierSelector.qualifies("x9")).isFalse();
        assertThat(IdentifierSelector.qualifies("abcd")).isFalse();
    }

    @Test
    void rejectsBadPartCount() throws Exception {
        PromptTokenizer tok = tokenizer();
        assertThatThrownBy(() -> IdentifierSelector.select(tok, 0, 4)).hasMessageContaining("1 to 3");
    }
}
