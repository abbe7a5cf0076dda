package dev.likeness.training.artifact;

import ai.djl.ndarray.NDManager;
import dev.likeness.engine.folder.StableDiffusionModel;
import dev.likeness.engine.nn.Module;
import dev.likeness.training.linalg.SpectralCache;
import dev.likeness.training.method.lora.LoraWeights;
import dev.likeness.training.method.svdiff.SpectralShifts;
import dev.likeness.training.method.textualinversion.TextualInversionEmbeddings;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * The trained artifacts to render with: SVDiff shifts combined with weights ({@code σ + Σ wᵢ·δᵢ}), Textual Inversion
 * embeddings and one LoRA with a scale. {@link #applyTo} installs them on a loaded base model without touching its
 * stored weights, in a fixed order (SVDiff bake, then LoRA on top of it, then the grown token table), and returns a
 * handle whose {@link Applied#close()} restores the base model. Prompts must go through {@link #expandPrompt} so that
 * multi-vector placeholders become all their tokens.
 */
public final class ArtifactSet {

    private final List<SpectralShifts> shifts;
    private final float[] shiftWeights;
    private final List<TextualInversionEmbeddings> embeddings;
    private final LoraWeights lora;
    private final float loraScale;

    public ArtifactSet(List<SpectralShifts> shifts, float[] shiftWeights, List<TextualInversionEmbeddings> embeddings,
                       LoraWeights lora, float loraScale) {
        if (shifts.size() != shiftWeights.length) {
            throw new IllegalArgumentException("one weight per SVDiff artifact is needed: " + shifts.size()
                    + " artifacts, " + shiftWeights.length + " weights");
        }
        this.shifts = List.copyOf(shifts);
        this.shiftWeights = shiftWeights.clone();
        this.embeddings = List.copyOf(embeddings);
        this.lora = lora;
        this.loraScale = loraScale;
    }

    /** Loads every artifact named by the options. */
    public static ArtifactSet load(ArtifactOptions options) throws IOException {
        List<SpectralShifts> shifts = new ArrayList<>();
        float[] weights = new float[options.svdiff().size()];
        for (int i = 0; i < weights.length; i++) {
            shifts.add(SpectralShifts.load(options.svdiff().get(i).path()));
            weights[i] = options.svdiff().get(i).weight();
        }
        List<TextualInversionEmbeddings> emb = new ArrayList<>();
        for (var p : options.embeddings()) {
            emb.add(TextualInversionEmbeddings.load(p));
        }
        LoraWeights lora = options.lora() == null ? null : LoraWeights.load(options.lora().path());
        return new ArtifactSet(shifts, weights, emb, lora, options.lora() == null ? 0f : options.lora().weight());
    }

    public boolean isEmpty() {
        return shifts.isEmpty() && embeddings.isEmpty() && lora == null;
    }

    /** The prompt with every multi-vector placeholder expanded to all of its tokens. */
    public String expandPrompt(String prompt) {
        String out = prompt;
        for (TextualInversionEmbeddings e : embeddings) {
            out = e.expandPrompt(out);
        }
        return out;
    }

    /** Applies everything to a loaded model (its tokenizer gets the Textual Inversion tokens). */
    public Applied applyTo(StableDiffusionModel model, SpectralCache cache) {
        return applyTo(model.unet(), model.textEncoder(), t -> model.tokenizer().addTokens(t)[0], cache,
                model.manager());
    }

    /**
     * Applies everything to the given networks.
     *
     * @param addToken adds one token to the tokenizer used for rendering and returns its id
     * @param cache    SVD factors of the base model (only used when there are SVDiff shifts)
     * @param manager  owner of the baked weights (released by {@link Applied#close()})
     */
    public Applied applyTo(Module unet, Module textEncoder, ToIntFunction<String> addToken, SpectralCache cache,
                           NDManager manager) {
        List<AutoCloseable> applied = new ArrayList<>();
        NDManager own = manager.newSubManager();
        try {
            if (!shifts.isEmpty()) {
                applied.add(SpectralShifts.combine(shifts, shiftWeights).applyTo(unet, textEncoder, cache, own));
            }
            if (lora != null) {
                applied.add(lora.applyTo(unet, textEncoder, loraScale, own));
            }
            if (!embeddings.isEmpty()) {
                applied.add(TextualInversionEmbeddings.applyAll(embeddings, addToken, textEncoder, own));
            }
        } catch (RuntimeException e) {
            new Applied(applied, own).close();
            throw e;
        }
        return new Applied(applied, own);
    }

    /** Artifacts installed on a model; {@link #close} restores the base weights (tokens stay in the tokenizer). */
    public static final class Applied implements AutoCloseable {
        private final List<AutoCloseable> parts;
        private final NDManager own;

        private Applied(List<AutoCloseable> parts, NDManager own) {
            this.parts = parts;
            this.own = own;
        }

        @Override
        public void close() {
            for (int i = parts.size() - 1; i >= 0; i--) {
                try {
                    parts.get(i).close();
                } catch (Exception e) {
                    throw new IllegalStateException("could not remove an applied artifact", e);
                }
            }
            parts.clear();
            own.close();
        }
    }
}
