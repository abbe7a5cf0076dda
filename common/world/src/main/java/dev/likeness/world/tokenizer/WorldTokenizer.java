package dev.likeness.world.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.likeness.world.dataset.Split;
import dev.likeness.world.dataset.WorldConfig;
import dev.likeness.world.dataset.WorldDataset;
import dev.likeness.world.scene.ObjectClass;
import dev.likeness.world.subject.Subject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;

/**
 * Builds the world's CLIP-layout tokenizer: byte-level BPE ({@link BpeTrainer}) trained on the world's captions,
 * DreamBooth prompts ("a photo of {identifier} {class}") for every class and identifier, subject prompts, and a small
 * general prompt vocabulary; ids are 256 byte tokens, 256 byte+{@code </w>} tokens, the merges, then
 * {@code <|startoftext|>} and {@code <|endoftext|>} as the two highest ids. The same target size always gives the
 * same files. The shipped copy ({@link #DEFAULT_VOCAB_SIZE} tokens) is in this jar under
 * {@code dev/likeness/world/tokenizer/}.
 */
public final class WorldTokenizer {

    public static final String BOS = "<|startoftext|>";
    public static final String EOS = "<|endoftext|>";
    /** Size of the shipped tokenizer (the text encoder's {@code vocab_size}). */
    public static final int DEFAULT_VOCAB_SIZE = 1024;
    /** Rare words reserved as DreamBooth identifiers: one token each, never in a base caption. */
    public static final List<String> IDENTIFIERS = List.of("sks", "zwx", "ohwx", "qlv");
    /** Captions sampled from the world for the corpus (attribute draws only, no rendering). */
    static final int CORPUS_CAPTIONS = 20_000;
    static final String[] FILES = {"vocab.json", "merges.txt", "tokenizer_config.json", "special_tokens_map.json"};

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUNDLED = "dev/likeness/world/tokenizer/";

    /**
     * A built tokenizer.
     *
     * @param vocab  token to id, ids 0…size-1, special tokens last
     * @param merges merge rules in rank order ("left right")
     */
    public record Result(Map<String, Integer> vocab, List<String> merges) {

        public int vocabSize() {
            return vocab.size();
        }

        /** Writes the four files of a Hugging Face CLIP {@code tokenizer/} folder. */
        public void write(Path folder) throws IOException {
            Files.createDirectories(folder);
            Files.writeString(folder.resolve("vocab.json"), vocabJson(), StandardCharsets.UTF_8);
            StringBuilder m = new StringBuilder("#version: 0.2\n");
            merges.forEach(line -> m.append(line).append('\n'));
            Files.writeString(folder.resolve("merges.txt"), m, StandardCharsets.UTF_8);
            Files.writeString(folder.resolve("tokenizer_config.json"), tokenizerConfig(), StandardCharsets.UTF_8);
            Files.writeString(folder.resolve("special_tokens_map.json"), specialTokensMap(), StandardCharsets.UTF_8);
        }

        /** Keys sorted and two-space indented, as transformers saves it. */
        private String vocabJson() throws IOException {
            StringBuilder sb = new StringBuilder("{\n");
            List<Map.Entry<String, Integer>> entries = new ArrayList<>(new TreeMap<>(vocab).entrySet());
            for (int i = 0; i < entries.size(); i++) {
                sb.append("  ").append(JSON.writeValueAsString(entries.get(i).getKey())).append(": ")
                        .append(entries.get(i).getValue()).append(i + 1 < entries.size() ? ",\n" : "\n");
            }
            return sb.append("}\n").toString();
        }

        private String tokenizerConfig() throws IOException {
            Map<String, Object> decoder = new LinkedHashMap<>();
            decoder.put(String.valueOf(vocab.get(BOS)), addedToken(BOS, true));
            decoder.put(String.valueOf(vocab.get(EOS)), addedToken(EOS, true));
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("added_tokens_decoder", decoder);
            c.put("bos_token", BOS);
            c.put("clean_up_tokenization_spaces", true);
            c.put("eos_token", EOS);
            c.put("errors", "replace");
            c.put("model_max_length", 77);
            c.put("pad_token", EOS);
            c.put("tokenizer_class", "CLIPTokenizer");
            c.put("unk_token", EOS);
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(c).replace("\r\n", "\n") + "\n";
        }

        private static String specialTokensMap() throws IOException {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("bos_token", addedToken(BOS, false));
            m.put("eos_token", addedToken(EOS, false));
            m.put("pad_token", addedToken(EOS, false));
            m.put("unk_token", addedToken(EOS, false));
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(m).replace("\r\n", "\n") + "\n";
        }

        private static Map<String, Object> addedToken(String content, boolean special) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("content", content);
            t.put("lstrip", false);
            t.put("normalized", true);
            t.put("rstrip", false);
            t.put("single_word", false);
            if (special) {
                t.put("special", true);
            }
            return t;
        }
    }

    private WorldTokenizer() {
    }

    /** Trains a tokenizer of at most {@code vocabSize} ids (fewer when the corpus runs out of pairs first). */
    public static Result build(int vocabSize) {
        BpeTrainer.Model model = BpeTrainer.train(wordCounts(corpus()), vocabSize - 2);
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (String t : model.tokens()) {
            vocab.put(t, vocab.size());
        }
        vocab.put(BOS, vocab.size());
        vocab.put(EOS, vocab.size());
        return new Result(vocab, model.merges());
    }

    /** Copies the shipped tokenizer files into {@code folder} (for {@code ClipTokenizer.load}). */
    public static Path copyBundled(Path folder) throws IOException {
        Files.createDirectories(folder);
        for (String f : FILES) {
            try (InputStream in = WorldTokenizer.class.getClassLoader().getResourceAsStream(BUNDLED + f)) {
                if (in == null) {
                    throw new IOException("bundled tokenizer file " + BUNDLED + f + " is missing from the classpath");
                }
                Files.write(folder.resolve(f), in.readAllBytes());
            }
        }
        return folder;
    }

    /** The training texts: world captions (both splits), DreamBooth and subject prompts, the prompt word list. */
    static List<String> corpus() {
        List<String> texts = new ArrayList<>();
        WorldDataset world = new WorldDataset(WorldConfig.defaults(), Split.ALL);
        for (int i = 0; i < CORPUS_CAPTIONS; i++) {
            texts.add(world.caption(i));
        }
        for (String id : IDENTIFIERS) {
            for (ObjectClass c : ObjectClass.values()) {
                texts.add("a photo of " + id + " " + c.noun());
                texts.add("a photo of a " + c.noun());
            }
            for (Subject s : Subject.values()) {
                texts.add(s.instancePrompt(id));
                texts.add(s.classPrompt());
            }
        }
        texts.addAll(promptWords());
        return texts;
    }

    /** CLIP pre-tokenization (same clean-up and pattern as the engine's ClipTokenizer), byte-encoded, counted. */
    static Map<String, Long> wordCounts(List<String> texts) {
        Map<String, Long> counts = new TreeMap<>();
        for (String text : texts) {
            Matcher m = PreTokenizer.WORDS.matcher(PreTokenizer.clean(text));
            while (m.find()) {
                counts.merge(ByteLevel.encode(m.group()), 1L, Long::sum);
            }
        }
        return counts;
    }

    private static List<String> promptWords() {
        try (InputStream in = WorldTokenizer.class.getClassLoader()
                .getResourceAsStream("dev/likeness/world/prompt-words.txt")) {
            if (in == null) {
                throw new IllegalStateException("dev/likeness/world/prompt-words.txt is missing from the classpath");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<String> words = new ArrayList<>();
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.startsWith("#") && !line.isBlank()) {
                    words.addAll(List.of(line.trim().split("\\s+")));
                }
            }
            return words;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The parts of CLIP's text clean-up that matter for the world's plain ASCII text. */
    static final class PreTokenizer {
        static final java.util.regex.Pattern WORDS = java.util.regex.Pattern.compile(
                "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+",
                java.util.regex.Pattern.CASE_INSENSITIVE | java.util.regex.Pattern.UNICODE_CASE
                        | java.util.regex.Pattern.UNICODE_CHARACTER_CLASS);

        private PreTokenizer() {
        }

        static String clean(String text) {
            String s = Normalizer.normalize(text, Normalizer.Form.NFC);
            return s.replaceAll("\\s+", " ").trim().toLowerCase(Locale.ROOT);
        }
    }
}
