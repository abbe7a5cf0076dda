package dev.likeness.training.method.svdiff;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.model.attention.AttentionProbeRecorder;
import dev.likeness.engine.nn.Module;
import dev.likeness.engine.nn.Temporaries;
import dev.likeness.training.PromptTokenizer;
import dev.likeness.training.loop.LossRegularizer;
import dev.likeness.training.loop.LossTerms;
import dev.likeness.training.loop.TrainingBatch;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Cut-Mix-Unmix's "unmix" regulariser (SVDiff, Han et al. 2023, §3.2): on a cut-mixed sample the cross-attention of
 * the left subject's identifier ({@code [V1]}) should stay off the right half, where {@code [V2]} is, and vice versa.
 * The paper states it as an MSE on the non-corresponding regions of the cross-attention maps (we could not find its
 * weight or normalisation); here, for every cross-attention layer {@code l} (queries on its {@code h_l × w_l} grid),
 * head, mixed row and subject {@code s} with identifier tokens {@code T_s} and own half {@code H_s}:
 * <pre>
 *   A_s(q)   = Σ_{k ∈ T_s} P_l[b, head, q, k]                 (attention paid to the identifier, in [0, 1])
 *   L_unmix  = mean_l  Σ_{b, head, s, q} Ō_s(q) · A_s(q)² / Σ_{b, head, s, q} Ō_s(q)
 * </pre>
 * where {@code Ō_s(q)} is the fraction of query cell {@code q} outside {@code H_s} (the latent-resolution half mask
 * area-resized to the layer's grid). {@code L_unmix} is 0 when each identifier attends only inside its half and 1
 * when every query outside attends only to it. Added to the loss as {@code λ_unmix · L_unmix}
 * ({@link #DEFAULT_WEIGHT}); rows that are not mixed do not contribute, and a batch without mixed rows adds nothing
 * and runs the fused attention.
 *
 * <p>As a {@link LossRegularizer} it installs an {@link AttentionProbeRecorder} on the UNet for the forward pass of a
 * batch with mixed rows (recognised from the prompts, which the caller must pass) and removes it after the backward
 * pass.
 */
public final class UnmixRegularizer implements LossRegularizer {

    /** λ_unmix when none is configured; our choice (the paper gives none we could find). */
    public static final float DEFAULT_WEIGHT = 1e-3f;
    /** Name of the term in {@link LossTerms#regularizers()}. */
    public static final String TERM = "unmix";

    /**
     * Identifier token positions of one batch row.
     *
     * @param left  positions (in the tokenized prompt) of the left subject's identifier, empty if the row is not mixed
     * @param right positions of the right subject's identifier
     */
    public record Row(int[] left, int[] right) {
        public static final Row UNMIXED = new Row(new int[0], new int[0]);

        public boolean mixed() {
            return left.length > 0 && right.length > 0;
        }
    }

    private final Module unet;
    private final PromptTokenizer tokenizer;
    private final float weight;
    private final Map<String, Row> rowsByPrompt;
    private AttentionProbeRecorder recorder;
    private List<Row> rows;

    /**
     * @param mixedPrompts each mixed prompt the batches can hold, with its {@code [left identifier, right
     *                     identifier]}; every other prompt is an unmixed row
     */
    public UnmixRegularizer(Module unet, PromptTokenizer tokenizer, float weight, Map<String, String[]> mixedPrompts) {
        if (!(weight >= 0) || !Float.isFinite(weight)) {
            throw new IllegalArgumentException("unmix weight must be a finite value >= 0, got " + weight);
        }
        this.unet = unet;
        this.tokenizer = tokenizer;
        this.weight = weight;
        this.rowsByPrompt = new HashMap<>();
        mixedPrompts.forEach((p, ids) -> rowsByPrompt.put(p, new Row(positions(tokenizer, p, ids[0]),
                positions(tokenizer, p, ids[1]))));
    }

    public float weight() {
        return weight;
    }

    @Override
    public void beforeForward(TrainingBatch batch, List<String> prompts) {
        closeRecorder();
        if (weight == 0) {
            return;
        }
        if (prompts == null || prompts.size() != batch.size()) {
            throw new IllegalArgumentException("the unmix regulariser needs the prompt of each of the " + batch.size()
                    + " rows, got " + (prompts == null ? "none" : prompts.size()));
        }
        List<Row> r = new ArrayList<>(prompts.size());
        for (String p : prompts) {
            r.add(rowsByPrompt.getOrDefault(p, Row.UNMIXED));
        }
        if (r.stream().anyMatch(Row::mixed)) {
            rows = r;
            recorder = AttentionProbeRecorder.install(unet);
        }
    }

    @Override
    public LossTerms afterForward(LossTerms terms, TrainingBatch batch, List<String> prompts) {
        if (recorder == null) {
            return terms;
        }
        Shape latent = batch.latents().getShape();
        // torch-allocated weight: autograd keeps its own reference to it, so closing our handle is safe
        try (NDArray l = loss(recorder.maps().values(), rows, latent.get(2), latent.get(3));
             NDArray w = l.getManager().full(new Shape(), weight, l.getDataType());
             NDArray weighted = l.mul(w)) {
            return terms.plus(TERM, weighted);
        }
    }

    @Override
    public void afterBackward() {
        closeRecorder();
    }

    private void closeRecorder() {
        if (recorder != null) {
            recorder.close();
            recorder = null;
        }
        rows = null;
    }

    /**
     * Positions of {@code identifier}'s tokens in {@code tokenizer.encode(prompt)} (its first occurrence). CLIP
     * tokenizes word by word, so the identifier's tokens are the same alone and in the prompt.
     *
     * @throws IllegalArgumentException if the prompt does not contain the identifier (e.g. truncated)
     */
    public static int[] positions(PromptTokenizer tokenizer, String prompt, String identifier) {
        if (identifier == null || identifier.isBlank()) {
            throw new IllegalArgumentException("the unmix regulariser needs a subject identifier");
        }
        long end = tokenizer.encode("")[1]; // [start, end, padding...]
        long[] alone = tokenizer.encode(identifier);
        int n = 0;
        while (1 + n < alone.length && alone[1 + n] != end) {
            n++;
        }
        long[] row = tokenizer.encode(prompt);
        for (int at = 1; n > 0 && at + n <= row.length; at++) {
            boolean match = true;
            for (int i = 0; i < n && match; i++) {
                match = row[at + i] == alone[1 + i];
            }
            if (match) {
                int[] out = new int[n];
                for (int i = 0; i < n; i++) {
                    out[i] = at + i;
                }
                return out;
            }
        }
        throw new IllegalArgumentException("identifier '" + identifier + "' is not among the tokens of prompt '"
                + prompt + "'");
    }

    /**
     * {@code L_unmix} (unweighted) of recorded cross-attention maps.
     *
     * @param maps         each {@code [batch, heads, queries, keys]}, queries row-major on a grid that the UNet's
     *                     stride-2 downsamplers make of the latent ({@code ceil(H/f) × ceil(W/f)}, f = 1, 2, 4, …)
     * @param rows         the identifier positions of each batch row
     * @param latentHeight latent height {@code H} of the UNet input
     * @param latentWidth  latent width {@code W}; the cut is at {@code W/2}
     * @return a scalar in the first map's manager (0 when no row is mixed)
     */
    public static NDArray loss(Collection<NDArray> maps, List<Row> rows, long latentHeight, long latentWidth) {
        if (maps.isEmpty()) {
            throw new IllegalArgumentException("no cross-attention maps were recorded");
        }
        NDArray total = null;
        for (NDArray p : maps) {
            NDArray l = layerLoss(p, rows, latentHeight, latentWidth);
            total = total == null ? l : addAndClose(total, l);
        }
        try (NDArray n = total.getManager().full(new Shape(), maps.size(), total.getDataType())) {
            return divAndClose(total, n);
        }
    }

    private static NDArray addAndClose(NDArray a, NDArray b) {
        try (a; b) {
            return a.add(b);
        }
    }

    private static NDArray divAndClose(NDArray a, NDArray b) {
        try (a) {
            return a.div(b);
        }
    }

    private static NDArray layerLoss(NDArray p, List<Row> rows, long latentHeight, long latentWidth) {
        Shape s = p.getShape();
        if (s.dimension() != 4 || s.get(0) != rows.size()) {
            throw new IllegalArgumentException("attention map must be [" + rows.size()
                    + " rows, heads, queries, keys], got " + s);
        }
        int b = (int) s.get(0);
        long heads = s.get(1);
        int q = (int) s.get(2);
        int k = (int) s.get(3);
        long[] grid = grid(q, latentHeight, latentWidth);
        int columns = (int) grid[2];
        float[] leftShare = leftShare(columns, grid[0], latentWidth);
        float[] tokens = new float[b * k * 2];
        float[] outside = new float[b * q * 2];
        double outsideSum = 0;
        for (int r = 0; r < b; r++) {
            Row row = rows.get(r);
            if (!row.mixed()) {
                continue;
            }
            for (int pos : row.left()) {
                tokens[(r * k + checkKey(pos, k)) * 2] = 1f;
            }
            for (int pos : row.right()) {
                tokens[(r * k + checkKey(pos, k)) * 2 + 1] = 1f;
            }
            for (int i = 0; i < q; i++) {
                float left = leftShare[i % columns];
                outside[(r * q + i) * 2] = 1f - left; // the left subject is penalised on the right half
                outside[(r * q + i) * 2 + 1] = left;
                outsideSum += 1f;
            }
        }
        NDManager m = p.getManager();
        try (Temporaries t = new Temporaries()) {
            if (outsideSum == 0) {
                return m.zeros(new Shape(), p.getDataType());
            }
            NDArray tk = t.add(m.create(tokens, new Shape(b, k, 2)));
            NDArray out = t.add(m.create(outside, new Shape(b, 1, q, 2)));
            // [b, heads*q, k] · [b, k, 2] → attention paid to each identifier per (head, query)
            NDArray a = t.add(t.add(t.add(p.reshape(b, heads * q, k)).matMul(tk)).reshape(b, heads, q, 2));
            NDArray weighted = t.add(t.add(a.square()).mul(out));
            // Σ Ō over (b, head, s, q): each mixed row's two masks cover every cell once, so b_mixed·heads·q
            NDArray norm = t.add(m.full(new Shape(), (float) (outsideSum * heads), p.getDataType()));
            return t.add(weighted.sum()).div(norm);
        }
    }

    private static int checkKey(int pos, int keys) {
        if (pos < 0 || pos >= keys) {
            throw new IllegalArgumentException("identifier token position " + pos + " outside the " + keys
                    + " keys of the attention map");
        }
        return pos;
    }

    /** {@code [factor, height, width]} of a layer with {@code queries} cells. */
    static long[] grid(int queries, long latentHeight, long latentWidth) {
        for (long f = 1; f <= Math.max(latentHeight, latentWidth); f *= 2) {
            long h = (latentHeight + f - 1) / f;
            long w = (latentWidth + f - 1) / f;
            if (h * w == queries) {
                return new long[] {f, h, w};
            }
        }
        throw new IllegalArgumentException("an attention map with " + queries + " queries does not fit a "
                + latentHeight + "x" + latentWidth + " latent downsampled by a power of 2");
    }

    /** Per grid column of {@code factor} latent columns: the share of its latent columns left of {@code W/2}. */
    static float[] leftShare(int columns, long factor, long latentWidth) {
        double cut = latentWidth / 2.0;
        float[] share = new float[columns];
        for (int c = 0; c < columns; c++) {
            double from = c * (double) factor;
            double to = Math.min((c + 1) * (double) factor, latentWidth);
            share[c] = (float) Math.max(0, Math.min(1, (cut - from) / (to - from)));
        }
        return share;
    }
}
