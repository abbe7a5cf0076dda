package dev.likeness.engine.tokenizer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CLIP's byte-level BPE tokenizer, read from a Hugging Face {@code tokenizer/} folder ({@code vocab.json},
 * {@code merges.txt}, {@code tokenizer_config.json}, {@code special_tokens_map.json}).
 *
 * <p>Text goes through the clean-up transformers applies when ftfy is absent (HTML entities, NFC, control characters
 * dropped, whitespace collapsed, lower case), CLIP's pre-tokenization regex, then BPE with {@code </w>} marking word
 * ends. Tokens added at run time ({@link #addTokens}: Textual Inversion placeholders, DreamBooth identifiers) are
 * matched as whole units in the raw text before any of that, like Hugging Face added tokens. Thread-safe after
 * construction except for {@link #addTokens}.
 */
public final class ClipTokenizer {

    /** Ids and attention mask of one prompt, padded/truncated to {@link #maxLength()}. */
    public record Encoding(long[] inputIds, long[] attentionMask) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** CLIP's pre-tokenization pattern (open_clip / transformers CLIPTokenizer), case-insensitive. */
    private static final Pattern WORDS = Pattern.compile(
            "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern WHITESPACE = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern NUMERIC_ENTITY = Pattern.compile("&#(x?)([0-9a-fA-F]+);");
    private static final String WORD_END = "</w>";

    private final Map<String, Integer> vocab;
    private final Map<Integer, String> idToToken;
    private final Map<String, Integer> mergeRanks;
    private final Map<String, String[]> bpeCache = new ConcurrentHashMap<>();
    /** Tokens matched whole before BPE: the special tokens plus anything added at run time. */
    private final Map<String, Integer> addedTokens = new LinkedHashMap<>();
    private final int bosId;
    private final int eosId;
    private final int padId;
    private final int maxLength;

    private ClipTokenizer(Map<String, Integer> vocab, Map<String, Integer> mergeRanks, String bos, String eos,
                          String pad, int maxLength) {
        this.vocab = new HashMap<>(vocab);
        this.idToToken = new HashMap<>();
        vocab.forEach((t, id) -> idToToken.put(id, t));
        this.mergeRanks = mergeRanks;
        this.bosId = requireId(bos, "bos_token");
        this.eosId = requireId(eos, "eos_token");
        this.padId = requireId(pad, "pad_token");
        this.maxLength = maxLength;
        addedTokens.put(bos, bosId);
        addedTokens.put(eos, eosId);
    }

    /** Reads a tokenizer folder; fails naming the missing or malformed file. */
    public static ClipTokenizer load(Path folder) throws IOException {
        Path vocabFile = require(folder, "vocab.json");
        Path mergesFile = require(folder, "merges.txt");
        Map<String, Integer> vocab = new LinkedHashMap<>();
        JSON.readTree(vocabFile.toFile()).fields().forEachRemaining(e -> vocab.put(e.getKey(), e.getValue().asInt()));
        if (vocab.isEmpty()) {
            throw new IOException(vocabFile + ": empty vocabulary");
        }
        Map<String, Integer> ranks = new HashMap<>();
        List<String> lines = Files.readAllLines(mergesFile, StandardCharsets.UTF_8);
        int rank = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("#version") || line.isBlank()) {
                continue;
            }
            String[] parts = line.split(" ");
            if (parts.length != 2) {
                throw new IOException(mergesFile + ": line " + (i + 1) + " is not a pair of symbols: '" + line + "'");
            }
            ranks.putIfAbsent(parts[0] + " " + parts[1], rank++);
        }
        JsonNode config = readOptional(folder.resolve("tokenizer_config.json"));
        JsonNode specials = readOptional(folder.resolve("special_tokens_map.json"));
        String bos = special(config, specials, "bos_token", "<|startoftext|>");
        String eos = special(config, specials, "eos_token", "<|endoftext|>");
        String pad = special(config, specials, "pad_token", eos);
        int maxLength = config.path("model_max_length").asInt(77);
        if (maxLength < 2 || maxLength > 100_000) {
            // Some configs carry a "very large int" meaning "no limit"; CLIP's position table is 77.
            maxLength = 77;
        }
        ClipTokenizer tokenizer = new ClipTokenizer(vocab, ranks, bos, eos, pad, maxLength);
        // added_tokens_decoder entries beyond the special ones (e.g. a saved Textual Inversion placeholder).
        config.path("added_tokens_decoder").fields().forEachRemaining(e -> {
            String content = e.getValue().path("content").asText();
            int id = Integer.parseInt(e.getKey());
            tokenizer.vocab.putIfAbsent(content, id);
            tokenizer.idToToken.putIfAbsent(id, content);
            tokenizer.addedTokens.putIfAbsent(content, id);
        });
        return tokenizer;
    }

    public int bosId() {
        return bosId;
    }

    public int eosId() {
        return eosId;
    }

    public int padId() {
        return padId;
    }

    /** Length every encoding is padded or truncated to (77 for CLIP). */
    public int maxLength() {
        return maxLength;
    }

    /** Number of ids, including tokens added at run time. */
    public int vocabSize() {
        return idToToken.size();
    }

    /** Id of a vocabulary or added token. */
    public int tokenId(String token) {
        Integer id = vocab.get(token);
        if (id == null) {
            throw new IllegalArgumentException("token '" + token + "' is not in the vocabulary");
        }
        return id;
    }

    /** Tokens added at run time (not the special ones), in order, with their ids. */
    public Map<String, Integer> addedTokens() {
        Map<String, Integer> out = new LinkedHashMap<>(addedTokens);
        out.remove(idToToken.get(bosId));
        out.remove(idToToken.get(eosId));
        return Collections.unmodifiableMap(out);
    }

    /**
     * Adds tokens that are matched whole in the raw text (case-sensitive, before clean-up) and get the next free
     * ids, like Hugging Face's {@code add_tokens}. A token already in the vocabulary keeps its id.
     *
     * @return the ids of {@code tokens}, in order
     */
    public synchronized int[] addTokens(String... tokens) {
        int[] ids = new int[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            String t = tokens[i];
            if (t == null || t.isBlank()) {
                throw new IllegalArgumentException("cannot add a blank token");
            }
            Integer id = vocab.get(t);
            if (id == null) {
                id = idToToken.size();
                while (idToToken.containsKey(id)) {
                    id++;
                }
                vocab.put(t, id);
                idToToken.put(id, t);
            }
            addedTokens.put(t, id);
            ids[i] = id;
        }
        return ids;
    }

    /** BPE ids of {@code text} without start/end tokens, padding or truncation. */
    public int[] tokenize(String text) {
        List<Integer> ids = new ArrayList<>();
        for (Segment s : splitOnAddedTokens(text)) {
            if (s.addedId >= 0) {
                ids.add(s.addedId);
                continue;
            }
            String clean = clean(s.text);
            Matcher m = WORDS.matcher(clean);
            while (m.find()) {
                String word = ByteLevelAlphabet.encode(m.group().getBytes(StandardCharsets.UTF_8));
                for (String piece : bpe(word)) {
                    Integer id = vocab.get(piece);
                    if (id == null) {
                        throw new IllegalStateException("BPE produced '" + piece + "' which is not in vocab.json");
                    }
                    ids.add(id);
                }
            }
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * {@code [bos, tokens…, eos, pad…]} of exactly {@link #maxLength()} ids; tokens beyond {@code maxLength - 2} are
     * dropped (truncation), the attention mask is 1 for bos, tokens and eos.
     */
    public Encoding encode(String text) {
        int[] tokens = tokenize(text);
        int kept = Math.min(tokens.length, maxLength - 2);
        long[] ids = new long[maxLength];
        long[] mask = new long[maxLength];
        Arrays.fill(ids, padId);
        ids[0] = bosId;
        for (int i = 0; i < kept; i++) {
            ids[i + 1] = tokens[i];
        }
        ids[kept + 1] = eosId;
        Arrays.fill(mask, 0, kept + 2, 1);
        return new Encoding(ids, mask);
    }

    /** Encodes prompts into an int64 array {@code [batch, maxLength]} owned by {@code manager}. */
    public NDArray encodeBatch(List<String> prompts, NDManager manager) {
        long[] flat = new long[prompts.size() * maxLength];
        for (int b = 0; b < prompts.size(); b++) {
            System.arraycopy(encode(prompts.get(b)).inputIds(), 0, flat, b * maxLength, maxLength);
        }
        return manager.create(flat, new Shape(prompts.size(), maxLength));
    }

    /**
     * Text of {@code ids}: byte-level tokens back to UTF-8, {@code </w>} to spaces; added tokens as written.
     *
     * @param skipSpecial drop start/end/pad tokens
     */
    public String decode(long[] ids, boolean skipSpecial) {
        List<String> parts = new ArrayList<>();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (long id : ids) {
            String token = idToToken.get((int) id);
            if (token == null) {
                throw new IllegalArgumentException("id " + id + " is not in the vocabulary");
            }
            if (addedTokens.containsKey(token)) {
                flush(bytes, parts);
                boolean special = id == bosId || id == eosId || id == padId;
                if (!(skipSpecial && special)) {
                    parts.add(token);
                }
                continue;
            }
            ByteLevelAlphabet.decode(token, bytes);
        }
        flush(bytes, parts);
        return String.join(" ", parts).replace(" .", ".").replace(" ,", ",").replace(" !", "!")
                .replace(" ?", "?").replace(" 's", "'s").replace(" 't", "'t").trim();
    }

    private static void flush(ByteArrayOutputStream bytes, List<String> parts) {
        if (bytes.size() == 0) {
            return;
        }
        String text = bytes.toString(StandardCharsets.UTF_8).replace(WORD_END, " ").trim();
        bytes.reset();
        if (!text.isEmpty()) {
            parts.add(text);
        }
    }

    /** Byte-level BPE of one pre-token: repeatedly merge the adjacent pair with the lowest merge rank. */
    private String[] bpe(String word) {
        return bpeCache.computeIfAbsent(word, w -> {
            List<String> symbols = new ArrayList<>();
            int n = w.length();
            for (int i = 0; i < n; i++) {
                symbols.add(i == n - 1 ? w.charAt(i) + WORD_END : String.valueOf(w.charAt(i)));
            }
            while (symbols.size() > 1) {
                int best = -1;
                int bestRank = Integer.MAX_VALUE;
                for (int i = 0; i < symbols.size() - 1; i++) {
                    Integer r = mergeRanks.get(symbols.get(i) + " " + symbols.get(i + 1));
                    if (r != null && r < bestRank) {
                        bestRank = r;
                        best = i;
                    }
                }
                if (best < 0) {
                    break;
                }
                // Merge every occurrence of the winning pair, left to right, as the reference BPE does.
                String first = symbols.get(best);
                String second = symbols.get(best + 1);
                List<String> merged = new ArrayList<>(symbols.size());
                for (int i = 0; i < symbols.size(); i++) {
                    if (i < symbols.size() - 1 && symbols.get(i).equals(first) && symbols.get(i + 1).equals(second)) {
                        merged.add(first + second);
                        i++;
                    } else {
                        merged.add(symbols.get(i));
                    }
                }
                symbols = merged;
            }
            return symbols.toArray(String[]::new);
        });
    }

    private record Segment(String text, int addedId) {
    }

    /** Splits raw text around added tokens, longest match first at the earliest position. */
    private List<Segment> splitOnAddedTokens(String text) {
        List<Segment> out = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (i < text.length()) {
            String match = null;
            for (String t : addedTokens.keySet()) {
                if (text.startsWith(t, i) && (match == null || t.length() > match.length())) {
                    match = t;
                }
            }
            if (match == null) {
                i++;
                continue;
            }
            if (i > start) {
                out.add(new Segment(text.substring(start, i), -1));
            }
            out.add(new Segment(match, addedTokens.get(match)));
            i += match.length();
            start = i;
        }
        if (start < text.length()) {
            out.add(new Segment(text.substring(start), -1));
        }
        return out;
    }

    /** transformers' CLIP clean-up without ftfy: HTML entities, NFC, no control characters, one space, lower case. */
    static String clean(String text) {
        String s = unescapeHtml(unescapeHtml(text));
        s = Normalizer.normalize(s, Normalizer.Form.NFC);
        StringBuilder sb = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> {
            if (cp == 0 || cp == 0xFFFD) {
                return;
            }
            if (cp == '\t' || cp == '\n' || cp == '\r' || Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                sb.append(' ');
            } else if (Character.getType(cp) == Character.CONTROL || Character.getType(cp) == Character.FORMAT) {
                return;
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return WHITESPACE.matcher(sb).replaceAll(" ").trim().toLowerCase(java.util.Locale.ROOT);
    }

    private static String unescapeHtml(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        String r = s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
                .replace("&apos;", "'").replace("&nbsp;", "\u00a0");
        Matcher m = NUMERIC_ENTITY.matcher(r);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            int cp;
            try {
                cp = Integer.parseInt(m.group(2), m.group(1).isEmpty() ? 10 : 16);
            } catch (NumberFormatException e) {
                cp = -1;
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(Character.isValidCodePoint(cp)
                    ? new String(Character.toChars(cp)) : m.group()));
        }
        m.appendTail(sb);
        // &amp; last, so "&amp;lt;" becomes "&lt;" (the second pass then finishes it, like CLIP's double unescape).
        return sb.toString().replace("&amp;", "&");
    }

    private int requireId(String token, String role) {
        Integer id = vocab.get(token);
        if (id == null) {
            throw new IllegalArgumentException(role + " '" + token + "' is not in vocab.json");
        }
        return id;
    }

    private static Path require(Path folder, String name) throws IOException {
        Path p = folder.resolve(name);
        if (!Files.isRegularFile(p)) {
            throw new IOException("tokenizer folder " + folder + " has no " + name);
        }
        return p;
    }

    private static JsonNode readOptional(Path p) throws IOException {
        return Files.isRegularFile(p) ? JSON.readTree(p.toFile()) : JSON.createObjectNode();
    }

    /** A special token from tokenizer_config.json (string or {"content": …}), else special_tokens_map.json. */
    private static String special(JsonNode config, JsonNode map, String key, String fallback) {
        for (JsonNode source : new JsonNode[] {config, map}) {
            JsonNode n = source.get(key);
            if (n != null && !n.isNull()) {
                return n.isTextual() ? n.asText() : n.path("content").asText(fallback);
            }
        }
        return fallback;
    }
}
