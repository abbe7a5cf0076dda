package dev.likeness.world.tokenizer;

import dev.likeness.engine.tokenizer.ClipTokenizer;
import dev.likeness.world.dataset.Split;
import dev.likeness.world.dataset.WorldConfig;
import dev.likeness.world.dataset.WorldDataset;
import dev.likeness.world.scene.ObjectClass;
import dev.likeness.world.subject.Subject;
import dev.likeness.world.subject.SubjectPhotos;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class WorldTokenizerTest {

    @TempDir
    static Path dir;
    static ClipTokenizer tokenizer;

    @BeforeAll
    static void load() throws Exception {
        tokenizer = ClipTokenizer.load(WorldTokenizer.copyBundled(dir.resolve("bundled")));
    }

    @Test
    void rebuildingGivesTheShippedFilesByteForByte() throws Exception {
        WorldTokenizer.Result r = WorldTokenizer.build(WorldTokenizer.DEFAULT_VOCAB_SIZE);
        Path fresh = dir.resolve("fresh");
        r.write(fresh);
        for (String f : WorldTokenizer.FILES) {
            assertThat(Files.readAllBytes(fresh.resolve(f))).as(f)
                    .isEqualTo(Files.readAllBytes(dir.resolve("bundled").resolve(f)));
        }
        assertThat(r.vocabSize()).isEqualTo(WorldTokenizer.DEFAULT_VOCAB_SIZE);
        assertThat(r.merges()).hasSize(WorldTokenizer.DEFAULT_VOCAB_SIZE - 514);
    }

    @Test
    void hasClipsLayout() {
        int n = tokenizer.vocabSize();
        assertThat(n).isEqualTo(WorldTokenizer.DEFAULT_VOCAB_SIZE);
        assertThat(tokenizer.bosId()).isEqualTo(n - 2);
        assertThat(tokenizer.eosId()).isEqualTo(n - 1);
        assertThat(tokenizer.padId()).isEqualTo(n - 1);
        assertThat(tokenizer.maxLength()).isEqualTo(77);
        assertThat(tokenizer.tokenId("!")).isZero();
        assertThat(tokenizer.tokenId("a")).isEqualTo(64);
        assertThat(tokenizer.tokenId("a</w>")).isEqualTo(256 + 64);
        assertThat(tokenizer.tokenId("vase</w>")).isBetween(512, n - 3);
    }

    @Test
    void captionsRoundTripAndEveryCaptionWordIsOneToken() {
        Map<String, Integer> piecesPerWord = new HashMap<>();
        for (Split split : new Split[] {Split.TRAIN, Split.HELD_OUT}) {
            WorldDataset world = new WorldDataset(WorldConfig.defaults().withSeed(99), split);
            for (long i = 0; i < 400; i++) {
                String caption = world.caption(i);
                ClipTokenizer.Encoding e = tokenizer.encode(caption);
                long[] ids = e.inputIds();
                int length = (int) Arrays.stream(e.attentionMask()).sum();
                assertThat(ids[0]).isEqualTo(tokenizer.bosId());
                assertThat(ids[length - 1]).isEqualTo(tokenizer.eosId());
                assertThat(Arrays.stream(ids)).allMatch(id -> id >= 0 && id < tokenizer.vocabSize());
                assertThat(tokenizer.decode(ids, true)).isEqualTo(caption);
                for (String word : caption.replace(",", " ,").split(" ")) {
                    piecesPerWord.computeIfAbsent(word, w -> tokenizer.tokenize(w).length);
                }
                // one token per word and comma
                assertThat(length - 2).as(caption).isEqualTo(caption.replace(",", " ,").split(" ").length);
            }
        }
        assertThat(piecesPerWord).hasSizeGreaterThan(40).allSatisfy((w, pieces) -> assertThat(pieces).as(w)
                .isEqualTo(1));
    }

    @Test
    void dreamBoothPromptsUseOneTokenPerWord() {
        for (String id : WorldTokenizer.IDENTIFIERS) {
            assertThat(tokenizer.tokenize(id)).as(id).hasSize(1);
            for (ObjectClass c : ObjectClass.values()) {
                assertThat(tokenizer.tokenize("a photo of " + id + " " + c.noun())).hasSize(5);
            }
            for (Subject s : Subject.values()) {
                String caption = SubjectPhotos.generate(s, 32, 1).get(0).caption(id);
                long[] ids = tokenizer.encode(caption).inputIds();
                assertThat(tokenizer.decode(ids, true)).isEqualTo(caption);
            }
        }
        for (Subject s : Subject.values()) {
            for (String prompt : dev.likeness.world.subject.SubjectPrompts.recontextualisations(s, "sks", 2)) {
                assertThat(tokenizer.tokenize(prompt)).as(prompt)
                        .hasSize(prompt.replace(",", " ,").split(" ").length);
            }
        }
        // text outside the world still tokenizes (byte fallback) and round-trips
        String odd = "a photo of a teapot in paris, 7 cats!";
        assertThat(tokenizer.decode(tokenizer.encode(odd).inputIds(), true)).isEqualTo(odd);
        // as in CLIP, every digit is its own word: "2026" comes back as "2 0 2 6"
        assertThat(tokenizer.tokenize("2026")).hasSize(4);
    }
}
