package dev.likeness.training.method.textualinversion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.io.SafeTensorsFile;
import dev.likeness.engine.io.SafeTensorsWriter;
import dev.likeness.engine.nn.Module;
import dev.likeness.engine.nn.Parameter;
import dev.likeness.training.artifact.WeightOverride;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToIntFunction;
import java.util.regex.Pattern;

/**
 * A Textual Inversion artifact, {@value #FILE} in diffusers' format: one tensor keyed by the placeholder token,
 * {@code [k, dim]} for {@code k} vectors (tokens {@code <tok>, <tok>_1, …}; a 1-D {@code [dim]} tensor is read as
 * {@code k = 1}). Files in A1111's layout (single key {@code emb_params}) are read with the file name as token.
 *
 * @param values row-major {@code [vectors, dim]}
 */
public record TextualInversionEmbeddings(String token, float[] values, int vectors, int dim,
                                         Map<String, String> metadata) {

    public static final String FILE = "learned_embeds.safetensors";

    public TextualInversionEmbeddings {
        if (values.length != (long) vectors * dim || vectors < 1 || dim < 1) {
            throw new IllegalArgumentException("embeddings of '" + token + "' do not form [" + vectors + ", " + dim
                    + "]: " + values.length + " values");
        }
        TextualInversionMethod.placeholderTokens(token, vectors); // validates the token
        metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(metadata));
    }

    /** The tokens this artifact adds: {@code token, token_1, …}. */
    public List<String> tokens() {
        return TextualInversionMethod.placeholderTokens(token, vectors);
    }

    /** Replaces the placeholder in a prompt by all its tokens (diffusers' {@code maybe_convert_prompt}). */
    public String expandPrompt(String prompt) {
        if (vectors == 1) {
            return prompt;
        }
        return prompt.replaceAll("(?<![\\w<>*])" + Pattern.quote(token) + "(?![\\w<>*])",
                java.util.regex.Matcher.quoteReplacement(String.join(" ", tokens())));
    }

    /** Reads a single-token artifact (a folder holding {@value #FILE}, or the file itself). */
    public static TextualInversionEmbeddings load(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve(FILE) : path;
        if (!Files.isRegularFile(file)) {
            throw new IOException("no Textual Inversion artifact at " + path + " (expected " + FILE + ")");
        }
        try (SafeTensorsFile f = SafeTensorsFile.open(file); NDManager m = NDManager.newBaseManager()) {
            if (f.names().size() != 1) {
                throw new IOException(file + ": expected one embedding tensor keyed by its token, found " + f.names());
            }
            String key = f.names().iterator().next();
            String token = key;
            if (key.equals("emb_params")) {
                String name = file.getFileName().toString();
                token = name.substring(0, name.indexOf('.') > 0 ? name.indexOf('.') : name.length());
            }
            long[] shape = f.info(key).shape();
            if (shape.length != 1 && shape.length != 2) {
                throw new IOException(file + ": embedding '" + key + "' must be [dim] or [vectors, dim], has "
                        + Arrays.toString(shape));
            }
            int vectors = shape.length == 1 ? 1 : (int) shape[0];
            int dim = (int) shape[shape.length - 1];
            return new TextualInversionEmbeddings(token, f.loadFloat32(key, m).toFloatArray(), vectors, dim,
                    f.metadata());
        }
    }

    /** Writes {@value #FILE} ({@code {token: [k, dim]}}) into {@code dir}. */
    public void save(Path dir) throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            SafeTensorsWriter.write(dir.resolve(FILE), Map.of(token, m.create(values, new Shape(vectors, dim))),
                    metadata);
        }
    }

    /**
     * Adds the tokens of every artifact and serves a token-embedding table grown to hold their rows (rendering).
     * Several artifacts share one override, so they combine. Close the result to restore the table (the tokens
     * stay in the tokenizer).
     *
     * @param addToken adds one token to the tokenizer and returns its id (e.g. {@code t -> clip.addTokens(t)[0]})
     * @param manager  owner of the grown table
     */
    public static Applied applyAll(List<TextualInversionEmbeddings> embeddings, ToIntFunction<String> addToken,
                                   Module textEncoder, NDManager manager) {
        String key = TextualInversionMethod.tokenEmbeddingKey(textEncoder);
        Parameter table = textEncoder.namedParameters().get(key);
        NDArray base = table.value(); // the served table: may already be grown or shifted by another artifact
        long vocab = base.getShape().get(0);
        long dim = base.getShape().get(1);
        Map<Integer, float[]> rows = new LinkedHashMap<>();
        for (TextualInversionEmbeddings e : embeddings) {
            if (e.dim() != dim) {
                throw new IllegalArgumentException("embedding '" + e.token() + "' has dimension " + e.dim()
                        + " but the text encoder's is " + dim + ": it was trained for another model");
            }
            List<String> tokens = e.tokens();
            for (int i = 0; i < tokens.size(); i++) {
                int id = addToken.applyAsInt(tokens.get(i));
                rows.put(id, Arrays.copyOfRange(e.values(), i * e.dim(), (i + 1) * e.dim()));
            }
        }
        if (rows.isEmpty()) {
            return new Applied(null);
        }
        long size = Math.max(vocab, rows.keySet().stream().mapToLong(i -> i + 1L).max().getAsLong());
        NDArray grown;
        try (NDManager scratch = manager.newSubManager()) {
            NDArray zeros = scratch.zeros(new Shape(size - vocab, dim), base.getDataType());
            grown = base.concat(zeros, 0);
            grown.attach(manager);
            for (Map.Entry<Integer, float[]> r : rows.entrySet()) {
                NDArray row = scratch.create(r.getValue()).toType(base.getDataType(), false);
                grown.set(new NDIndex(r.getKey()), row);
            }
        }
        return new Applied(WeightOverride.grownTable(table, grown));
    }

    /** Embeddings installed in a text encoder; {@link #close} restores its table. */
    public static final class Applied implements AutoCloseable {
        private final WeightOverride override;

        private Applied(WeightOverride override) {
            this.override = override;
        }

        @Override
        public void close() {
            if (override != null) {
                override.close();
            }
        }
    }
}
