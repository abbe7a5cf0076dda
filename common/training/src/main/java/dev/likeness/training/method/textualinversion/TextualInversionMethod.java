package dev.likeness.training.method.textualinversion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import dev.likeness.engine.nn.Module;
import dev.likeness.engine.nn.Parameter;
import dev.likeness.training.ArtifactMetadata;
import dev.likeness.training.FineTuningMethod;
import dev.likeness.training.PromptTokenizer;
import dev.likeness.training.TrainableTensor;
import dev.likeness.training.TrainingConfig;
import dev.likeness.training.TrainingModel;
import dev.likeness.training.artifact.WeightOverride;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Textual Inversion (Gal et al. 2022): learns the embedding of {@code num_vectors} new placeholder tokens
 * ({@code <tok>}, {@code <tok>_1}, …) while every network weight stays frozen. The new rows are a separate trainable
 * block {@code [k, dim]} initialised from the initializer token's embedding; the token-embedding parameter's
 * override serves {@code where(isNew, block[rowOf], frozenTable)} over the table extended by {@code k} rows, so the
 * frozen table is never copied into the graph per step and all other rows stay bit-identical.
 *
 * <p>Prompts: diffusers' object or style templates ({@link PromptTemplates}, {@link TrainingConfig#learnableProperty()})
 * with the placeholder tokens joined by spaces; method option {@code textual_inversion.prompts=instance} uses the
 * config's instance prompt instead ({@code {id}} → placeholder tokens). No prior preservation.
 *
 * <p>Artifact: {@value TextualInversionEmbeddings#FILE}, {@code {<tok>: [k, dim]}} as diffusers' script saves it.
 * The tokens stay added to the tokenizer after {@link #detach} (tokenizers cannot forget tokens).
 */
public final class TextualInversionMethod implements FineTuningMethod {

    public static final String ID = "textual-inversion";
    private static final String TOKEN_EMBEDDING = "token_embedding.weight";

    private final Map<Parameter, Boolean> trainableBefore = new LinkedHashMap<>();
    private List<String> tokens = List.of();
    private int[] tokenIds = new int[0];
    private int initializerId = -1;
    private NDManager own;
    private NDArray block;
    private WeightOverride override;
    private String embeddingKey;

    @Override
    public String id() {
        return ID;
    }

    /** Placeholder tokens for {@code base} and {@code n} vectors: {@code base, base_1, …, base_(n-1)}. */
    public static List<String> placeholderTokens(String base, int n) {
        if (base == null || base.isBlank() || base.contains(" ")) {
            throw new IllegalArgumentException("placeholder token must be one non-blank word, got '" + base + "'");
        }
        if (n < 1) {
            throw new IllegalArgumentException("num_vectors must be >= 1, got " + n);
        }
        List<String> out = new ArrayList<>();
        out.add(base);
        for (int i = 1; i < n; i++) {
            out.add(base + "_" + i);
        }
        return out;
    }

    @Override
    public void prepareTokenizer(PromptTokenizer tokenizer, TrainingConfig cfg) {
        String init = cfg.initializerToken() != null ? cfg.initializerToken() : cfg.classNoun();
        if (init == null || init.isBlank()) {
            throw new IllegalArgumentException("textual inversion needs an initializer token (or a class noun)");
        }
        initializerId = singleTokenId(tokenizer, init);
        tokens = placeholderTokens(cfg.placeholderToken(), cfg.numVectors());
        tokenIds = new int[tokens.size()];
        for (int i = 0; i < tokens.size(); i++) {
            if (tokenizer.id(tokens.get(i)).isPresent()) {
                throw new IllegalArgumentException("placeholder token '" + tokens.get(i)
                        + "' already exists in the tokenizer: choose another placeholder_token");
            }
            tokenIds[i] = tokenizer.addToken(tokens.get(i));
        }
    }

    /** The id of a word that must encode to exactly one token (diffusers' check on initializer tokens). */
    static int singleTokenId(PromptTokenizer tokenizer, String word) {
        long[] empty = tokenizer.encode("");
        long eos = empty[1];
        long[] ids = tokenizer.encode(word);
        int end = 1;
        while (end < ids.length && ids[end] != eos) {
            end++;
        }
        if (end != 2) {
            throw new IllegalArgumentException("initializer token '" + word + "' must be a single token, it encodes to "
                    + Arrays.toString(Arrays.copyOfRange(ids, 1, end)));
        }
        return (int) ids[1];
    }

    /** The placeholder as written in prompts: all tokens joined by spaces. */
    public String placeholder() {
        return String.join(" ", tokens);
    }

    @Override
    public List<String> instancePrompts(TrainingConfig cfg) {
        requirePrepared();
        if (cfg.methodOption("textual_inversion.prompts", "templates").equals("instance")) {
            return List.of(resolvePrompt(cfg.instancePrompt()));
        }
        return PromptTemplates.prompts(cfg.learnableProperty(), placeholder());
    }

    @Override
    public String resolvePrompt(String prompt) {
        requirePrepared();
        return prompt.replace("{id}", placeholder());
    }

    @Override
    public String classPrompt(TrainingConfig cfg) {
        return null;
    }

    private void requirePrepared() {
        if (tokens.isEmpty()) {
            throw new IllegalStateException("textual inversion: prepareTokenizer must run first");
        }
    }

    @Override
    public void attach(TrainingModel model, TrainingConfig cfg, NDManager manager) {
        requirePrepared();
        if (own != null) {
            throw new IllegalStateException("textual inversion is already attached");
        }
        freeze(model.unet());
        freeze(model.textEncoder());
        embeddingKey = tokenEmbeddingKey(model.textEncoder());
        Parameter table = model.textEncoder().namedParameters().get(embeddingKey);
        own = manager.newSubManager();
        long vocab = table.shape().get(0);
        long dim = table.shape().get(1);
        int rows = (int) Math.max(vocab, Arrays.stream(tokenIds).max().getAsInt() + 1L);
        // frozen table extended to cover the new ids (built once), and the per-row map into the trainable block
        NDArray extended;
        try (NDArray zeros = own.zeros(new Shape(rows - vocab, dim), table.array().getDataType())) {
            extended = table.array().concat(zeros, 0);
            extended.attach(own); // a concat lands in the table's manager
        }
        long[] rowOf = new long[rows];
        boolean[] isNew = new boolean[rows * (int) dim];
        for (int i = 0; i < tokenIds.length; i++) {
            rowOf[tokenIds[i]] = i;
            Arrays.fill(isNew, tokenIds[i] * (int) dim, (tokenIds[i] + 1) * (int) dim, true);
        }
        NDArray rowIndex = own.create(rowOf);
        NDArray mask = own.create(isNew, new Shape(rows, dim));
        try (NDArray init = table.array().get(initializerId)) {
            float[] row = init.toFloatArray();
            float[] values = new float[tokenIds.length * row.length];
            for (int i = 0; i < tokenIds.length; i++) {
                System.arraycopy(row, 0, values, i * row.length, row.length);
            }
            block = own.create(values, new Shape(tokenIds.length, dim));
        }
        block.setRequiresGradient(true);
        override = WeightOverride.recomposing(table, () -> {
            try (NDArray gathered = ai.djl.nn.core.Embedding.embedding(rowIndex, block, SparseFormat.DENSE)
                    .singletonOrThrow()) {
                return NDArrays.where(mask, gathered, extended);
            }
        });
    }

    /** The key of the (single) token-embedding table of a CLIP text encoder. */
    static String tokenEmbeddingKey(Module textEncoder) {
        List<String> keys = textEncoder.namedParameters().keySet().stream()
                .filter(k -> k.equals(TOKEN_EMBEDDING) || k.endsWith("." + TOKEN_EMBEDDING)).toList();
        if (keys.size() != 1) {
            throw new IllegalArgumentException("expected one " + TOKEN_EMBEDDING + " in the text encoder, found "
                    + keys);
        }
        return keys.get(0);
    }

    private void freeze(Module module) {
        module.namedParameters().values().forEach(p -> {
            trainableBefore.putIfAbsent(p, p.isTrainable());
            p.setTrainable(false);
        });
    }

    @Override
    public List<TrainableTensor> trainables() {
        return block == null ? List.of() : List.of(new TrainableTensor("text_encoder.learned_embeds", block,
                TrainableTensor.DEFAULT_GROUP));
    }

    @Override
    public boolean trainsTextEncoder() {
        return true; // the text encoder's output depends on the learned rows
    }

    @Override
    public Map<String, NDArray> state() {
        return Map.of("text_encoder.learned_embeds", block);
    }

    @Override
    public void loadState(Map<String, NDArray> state) {
        NDArray v = state.get("text_encoder.learned_embeds");
        if (v == null || !v.getShape().equals(block.getShape())) {
            throw new IllegalArgumentException("textual inversion checkpoint needs text_encoder.learned_embeds of shape "
                    + block.getShape() + ", got " + (v == null ? "none" : v.getShape()));
        }
        block.set(FloatBuffer.wrap(v.toFloatArray()));
    }

    /** The learned embeddings as an artifact (values copied). */
    public TextualInversionEmbeddings embeddings(ArtifactMetadata provenance) {
        Map<String, String> meta = new LinkedHashMap<>(provenance == null ? Map.of() : provenance.toMap());
        meta.put("textual_inversion.tokens", String.join(" ", tokens));
        return new TextualInversionEmbeddings(tokens.get(0), block.toFloatArray(), tokens.size(),
                (int) block.getShape().get(1), meta);
    }

    @Override
    public void writeArtifact(Path dir, ArtifactMetadata provenance) throws IOException {
        embeddings(provenance).save(dir);
    }

    /** Ids the placeholder tokens got. */
    public int[] tokenIds() {
        return tokenIds.clone();
    }

    @Override
    public void detach() {
        if (override != null) {
            override.close();
            override = null;
        }
        trainableBefore.forEach(Parameter::setTrainable);
        trainableBefore.clear();
        if (own != null) {
            own.close();
            own = null;
        }
        block = null;
    }
}
