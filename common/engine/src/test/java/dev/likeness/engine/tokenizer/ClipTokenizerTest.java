package dev.likeness.engine.tokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.likeness.engine.io.SafeTensorsFile;
import dev.likeness.engine.testing.Golden;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClipTokenizerTest {

    private static ClipTokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        tokenizer = ClipTokenizer.load(Golden.path("tiny-sd/tokenizer"));
    }

    @Test
    void readmeExample() {
        long[] ids = tokenizer.encode("a photo of sks dog").inputIds();
        assertThat(ids).hasSize(77);
        assertThat(Arrays.copyOf(ids, 12)).containsExactly(998, 320, 79, 625, 529, 524, 82, 659, 657, 326, 999, 999);
        assertThat(Arrays.stream(ids).skip(11)).allMatch(id -> id == 999);
    }

    @Test
    void matchesReferenceIdsOfClipTextGolden() throws IOException {
        assertMatchesGolden(Golden.path("clip_text.safetensors"), false);
    }

    @Test
    void matchesReferenceIdsAndMaskOfEvalGolden() throws IOException {
        assertMatchesGolden(Golden.path("eval-tokens/clip_tokens.safetensors"), true);
    }

    private static void assertMatchesGolden(Path file, boolean checkMask) throws IOException {
        try (SafeTensorsFile f = SafeTensorsFile.open(file); NDManager m = NDManager.newBaseManager()) {
            List<String> prompts = Arrays.asList(new ObjectMapper().readValue(f.metadata().get("prompts")
                    .replace('\'', '"'), String[].class));
            long[] expected = f.load("input_ids", m).toLongArray();
            long[] mask = checkMask ? f.load("attention_mask", m).toLongArray() : null;
            assertThat(prompts).isNotEmpty();
            for (int b = 0; b < prompts.size(); b++) {
                ClipTokenizer.Encoding e = tokenizer.encode(prompts.get(b));
                assertThat(e.inputIds()).as("ids of '%s'", prompts.get(b))
                        .containsExactly(Arrays.copyOfRange(expected, b * 77, (b + 1) * 77));
                if (mask != null) {
                    assertThat(e.attentionMask()).as("mask of '%s'", prompts.get(b))
                            .containsExactly(Arrays.copyOfRange(mask, b * 77, (b + 1) * 77));
                }
            }
            NDArray batch = tokenizer.encodeBatch(prompts, m);
            assertThat(batch.getShape().getShape()).containsExactly(prompts.size(), 77);
            assertThat(batch.toLongArray()).containsExactly(Arrays.copyOf(expected, prompts.size() * 77));
        }
    }

    @Test
    void cleansWhitespaceCaseAndHtml() {
        assertThat(ClipTokenizer.clean("  A\tPhoto\n\nof  &amp;lt;Dog&gt; ")).isEqualTo("a photo of <dog>");
        assertThat(tokenizer.tokenize("A  PHOTO\tof sks DOG")).containsExactly(tokenizer.tokenize("a photo of sks dog"));
    }

    @Test
    void truncatesToMaxLengthKeepingEndToken() {
        String longPrompt = String.join(" ", java.util.Collections.nCopies(100, "dog"));
        ClipTokenizer.Encoding e = tokenizer.encode(longPrompt);
        assertThat(tokenizer.tokenize(longPrompt).length).isGreaterThan(75);
        assertThat(e.inputIds()[0]).isEqualTo(998);
        assertThat(e.inputIds()[76]).isEqualTo(999);
        assertThat(e.inputIds()[75]).isNotEqualTo(999);
        assertThat(Arrays.stream(e.attentionMask()).sum()).isEqualTo(77);
    }

    @Test
    void addedTokensMatchWholeBeforeBpe() throws IOException {
        ClipTokenizer t = ClipTokenizer.load(Golden.path("tiny-sd/tokenizer"));
        int[] ids = t.addTokens("<cat-toy>", "<cat-toy-2>");
        assertThat(ids).containsExactly(1000, 1001);
        assertThat(t.addTokens("<cat-toy>")).containsExactly(1000);
        assertThat(t.vocabSize()).isEqualTo(1002);
        int[] tokens = t.tokenize("a photo of<cat-toy-2> <cat-toy>dog");
        int[] a = t.tokenize("a photo of");
        int[] dog = t.tokenize("dog");
        assertThat(tokens).containsExactly(concat(a, new int[] {1001, 1000}, dog));
        // without the added token the same text is split into several BPE pieces
        assertThat(tokenizer.tokenize("<cat-toy>").length).isGreaterThan(1);
        assertThat(t.decode(t.encode("a photo of <cat-toy> dog").inputIds(), true))
                .isEqualTo("a photo of <cat-toy> dog");
    }

    @Test
    void decodeInvertsEncode() {
        String text = "an astronaut riding a horse on the moon!";
        assertThat(tokenizer.decode(tokenizer.encode(text).inputIds(), true)).isEqualTo(text);
        assertThat(tokenizer.decode(tokenizer.encode("héllo wörld").inputIds(), true)).isEqualTo("héllo wörld");
    }

    @Test
    void missingFileIsNamed(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("vocab.json"), "{\"a\": 0}");
        assertThatThrownBy(() -> ClipTokenizer.load(dir)).hasMessageContaining("merges.txt");
    }

    private static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }
}
