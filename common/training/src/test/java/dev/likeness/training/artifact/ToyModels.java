package dev.likeness.training.artifact;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import dev.likeness.engine.nn.Module;
import dev.likeness.engine.nn.Parameter;
import dev.likeness.training.FineTuningMethod;
import dev.likeness.training.NoiseSchedule;
import dev.likeness.training.PromptTokenizer;
import dev.likeness.training.TrainableTensor;
import dev.likeness.training.TrainingConfig;
import dev.likeness.training.TrainingModel;
import dev.likeness.training.method.svdiff.SpectralShift;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;

/**
 * Tiny stand-ins for the Stable Diffusion networks with the same layer kinds and checkpoint-style names (conv, group
 * norm, cross-attention {@code to_q/to_k/to_v/to_out.0}, CLIP-like {@code q_proj/…}, token/position embeddings, layer
 * norm), a word-level tokenizer, and a minimal noise-prediction training loop with Adam. Small enough that a whole
 * fine-tuning run takes well under a second, so method tests do not depend on the full engine networks.
 */
public final class ToyModels {

    public static final int LATENT_CHANNELS = 4;
    public static final int HIDDEN = 8;
    public static final int TEXT_DIM = 6;
    public static final int TOKENS = 8;
    public static final int TIMESTEPS = 1000;

    private ToyModels() {
    }

    /** Weight {@code [out, in]} + bias {@code [out]}. */
    public static final class Lin extends Module {
        final Parameter weight;
        final Parameter bias;

        Lin(long in, long out) {
            weight = parameter("weight", new Shape(out, in));
            bias = parameter("bias", new Shape(out));
        }

        NDArray forward(NDArray x) {
            return ai.djl.nn.core.Linear.linear(x, weight.value(), bias.value()).singletonOrThrow();
        }
    }

    /** 3×3 convolution, padding 1. */
    public static final class Conv extends Module {
        final Parameter weight;
        final Parameter bias;

        Conv(long in, long out) {
            weight = parameter("weight", new Shape(out, in, 3, 3));
            bias = parameter("bias", new Shape(out));
        }

        NDArray forward(NDArray x) {
            // the engine's convolution: it carries the workaround for oneDNN's wrong gradients with few output
            // channels (this conv_out has 4)
            return dev.likeness.engine.nn.Conv2d.apply(x, weight.value(), bias.value(), new Shape(1, 1),
                    new Shape(1, 1));
        }
    }

    /** Affine normalisation over the channel axis of {@code [b, c, h, w]} (one group) or the last axis. */
    public static final class Norm extends Module {
        final Parameter weight;
        final Parameter bias;

        Norm(long dim) {
            weight = parameter("weight", new Shape(dim));
            bias = parameter("bias", new Shape(dim));
        }

        NDArray forwardLast(NDArray x) {
            return ai.djl.nn.norm.LayerNorm.layerNorm(x, new Shape(x.getShape().getShape()[x.getShape().dimension() - 1]),
                    weight.value(), bias.value(), 1e-5f).singletonOrThrow();
        }

        NDArray forwardChannels(NDArray x) {
            long c = x.getShape().get(1);
            long b = x.getShape().get(0);
            NDArray flat = x.reshape(b, -1);
            NDArray mean = flat.mean(new int[]{1}, true);
            NDArray var = flat.sub(mean).square().mean(new int[]{1}, true);
            NDArray n = flat.sub(mean).div(var.add(1e-5f).sqrt()).reshape(x.getShape());
            NDArray w = weight.value().reshape(1, c, 1, 1);
            NDArray bb = bias.value().reshape(1, c, 1, 1);
            w.attach(x.getManager()); // reshape lands in the weight's manager; keep it in the step's
            bb.attach(x.getManager());
            return n.mul(w).add(bb);
        }
    }

    public static final class Table extends Module {
        final Parameter weight;

        Table(long num, long dim) {
            weight = parameter("weight", new Shape(num, dim));
        }

        NDArray forward(NDArray ids) {
            return ai.djl.nn.core.Embedding.embedding(ids, weight.value(), SparseFormat.DENSE).singletonOrThrow();
        }
    }

    /** Cross-attention with diffusers' names. */
    public static final class Attention extends Module {
        final Lin toQ;
        final Lin toK;
        final Lin toV;
        final Lin toOut;

        Attention(long dim, long contextDim) {
            toQ = child("to_q", new Lin(dim, dim));
            toK = child("to_k", new Lin(contextDim, dim));
            toV = child("to_v", new Lin(contextDim, dim));
            Holder out = child("to_out", new Holder());
            toOut = out.add("0", new Lin(dim, dim));
        }

        NDArray forward(NDArray x, NDArray context) {
            NDArray q = toQ.forward(x);
            NDArray k = toK.forward(context);
            NDArray v = toV.forward(context);
            // a torch-owned scalar: DJL's div(Number) leaves autograd with a Java-buffer tensor the GC may free
            NDArray scale = SpectralShift.torchScalar(q, (float) (1 / Math.sqrt(q.getShape().get(2))));
            NDArray scores = q.matMul(k.transpose(0, 2, 1)).mul(scale);
            return toOut.forward(scores.softmax(-1).matMul(v));
        }
    }

    public static final class Holder extends Module {
        <M extends Module> M add(String name, M m) {
            return child(name, m);
        }
    }

    /** A miniature conditional denoiser {@code [b, 4, h, w] → [b, 4, h, w]}. */
    public static final class ToyUnet extends Module {
        final Conv convIn;
        final Table timeEmbedding;
        final Norm norm;
        final Attention attn;
        final Conv convOut;

        public ToyUnet() {
            convIn = child("conv_in", new Conv(LATENT_CHANNELS, HIDDEN));
            timeEmbedding = child("time_embedding", new Table(TIMESTEPS, HIDDEN));
            norm = child("norm", new Norm(HIDDEN));
            Holder block = child("mid_block", new Holder());
            attn = block.add("attn2", new Attention(HIDDEN, TEXT_DIM));
            convOut = child("conv_out", new Conv(HIDDEN, LATENT_CHANNELS));
        }

        public NDArray forward(NDArray x, NDArray t, NDArray context) {
            long b = x.getShape().get(0);
            long h = x.getShape().get(2);
            long w = x.getShape().get(3);
            NDArray hidden = convIn.forward(x).add(timeEmbedding.forward(t).reshape(b, HIDDEN, 1, 1));
            hidden = Activation.swish(norm.forwardChannels(hidden), 1f);
            NDArray seq = hidden.reshape(b, HIDDEN, h * w).transpose(0, 2, 1);
            seq = seq.add(attn.forward(seq, context));
            hidden = seq.transpose(0, 2, 1).reshape(b, HIDDEN, h, w);
            return convOut.forward(hidden);
        }
    }

    /** A miniature CLIP-like text encoder {@code [b, TOKENS] ids → [b, TOKENS, TEXT_DIM]}. */
    public static final class ToyTextEncoder extends Module {
        final Table tokenEmbedding;
        final Table positionEmbedding;
        final Lin q;
        final Lin k;
        final Lin v;
        final Lin out;
        final Norm finalNorm;

        public ToyTextEncoder(int vocab) {
            Holder textModel = child("text_model", new Holder());
            Holder embeddings = textModel.add("embeddings", new Holder());
            tokenEmbedding = embeddings.add("token_embedding", new Table(vocab, TEXT_DIM));
            positionEmbedding = embeddings.add("position_embedding", new Table(TOKENS, TEXT_DIM));
            Holder attn = textModel.add("encoder", new Holder()).add("layers", new Holder()).add("0", new Holder())
                    .add("self_attn", new Holder());
            q = attn.add("q_proj", new Lin(TEXT_DIM, TEXT_DIM));
            k = attn.add("k_proj", new Lin(TEXT_DIM, TEXT_DIM));
            v = attn.add("v_proj", new Lin(TEXT_DIM, TEXT_DIM));
            out = attn.add("out_proj", new Lin(TEXT_DIM, TEXT_DIM));
            finalNorm = textModel.add("final_layer_norm", new Norm(TEXT_DIM));
        }

        public NDArray forward(NDArray ids) {
            NDArray pos = ids.getManager().arange(0, TOKENS, 1, DataType.INT64);
            NDArray x = tokenEmbedding.forward(ids).add(positionEmbedding.forward(pos));
            NDArray scores = q.forward(x).matMul(k.forward(x).transpose(0, 2, 1))
                    .mul(SpectralShift.torchScalar(x, (float) (1 / Math.sqrt(TEXT_DIM))));
            x = x.add(out.forward(scores.softmax(-1).matMul(v.forward(x))));
            return finalNorm.forwardLast(x);
        }
    }

    /** Whitespace word tokenizer over a fixed vocabulary; unknown words map to id 1; 0 pads. */
    public static final class ToyTokenizer implements PromptTokenizer {
        private final List<String> vocab = new ArrayList<>();
        private final Map<String, Integer> ids = new LinkedHashMap<>();

        public ToyTokenizer(List<String> words) {
            for (String w : List.of("<pad>", "<unk>", "<start>", "<end>")) {
                addInternal(w);
            }
            words.forEach(this::addInternal);
        }

        private int addInternal(String w) {
            ids.put(w, vocab.size());
            vocab.add(w);
            return vocab.size() - 1;
        }

        @Override
        public long[] encode(String prompt) {
            long[] out = new long[TOKENS];
            int i = 0;
            out[i++] = 2;
            for (String w : prompt.trim().split("\\s+")) {
                if (i == TOKENS - 1) {
                    break;
                }
                if (w.isEmpty()) {
                    continue;
                }
                out[i++] = ids.getOrDefault(w, 1);
            }
            out[i] = 3;
            return out;
        }

        @Override
        public int maxLength() {
            return TOKENS;
        }

        @Override
        public int vocabSize() {
            return vocab.size();
        }

        @Override
        public String token(int id) {
            return id >= 0 && id < vocab.size() ? vocab.get(id) : null;
        }

        @Override
        public OptionalInt id(String token) {
            Integer i = ids.get(token);
            return i == null ? OptionalInt.empty() : OptionalInt.of(i);
        }

        @Override
        public int addToken(String token) {
            if (ids.containsKey(token)) {
                throw new IllegalArgumentException("token '" + token + "' already exists");
            }
            return addInternal(token);
        }
    }

    public static final List<String> WORDS = List.of("a", "photo", "of", "dog", "sks", "cat", "painting", "the",
            "in", "style", "rendering", "cropped", "sculpture", "on", "left", "and", "right");

    /** Fills every parameter with small seeded random values (norm weights around 1). */
    public static void initialise(Module module, NDManager manager, long seed) {
        Random r = new Random(seed);
        module.namedParameters().forEach((name, p) -> {
            float[] v = new float[(int) p.shape().size()];
            boolean norm = p.shape().dimension() == 1 && name.endsWith("weight");
            for (int i = 0; i < v.length; i++) {
                v[i] = norm ? 1f + 0.1f * (float) r.nextGaussian() : 0.3f * (float) r.nextGaussian();
            }
            p.set(manager.create(v, p.shape()));
        });
    }

    /** A complete toy {@link TrainingModel} with seeded weights owned by {@code manager}. */
    public static TrainingModel trainingModel(NDManager manager, long seed) {
        ToyUnet unet = new ToyUnet();
        initialise(unet, manager, seed);
        ToyTokenizer tokenizer = new ToyTokenizer(WORDS);
        ToyTextEncoder te = new ToyTextEncoder(tokenizer.vocabSize());
        initialise(te, manager, seed + 1);
        NoiseSchedule schedule = new NoiseSchedule(NoiseSchedule.alphasCumprod("scaled_linear", 0.00085f, 0.012f,
                TIMESTEPS), NoiseSchedule.PredictionType.EPSILON);
        return new TrainingModel(unet, unet::forward, te, te::forward, null, null, 1f, tokenizer, schedule, "toy",
                null);
    }

    /** Fixed "instance latents" {@code [2, 4, 4, 4]}. */
    public static NDArray instanceLatents(NDManager manager) {
        Random r = new Random(42);
        float[] v = new float[2 * LATENT_CHANNELS * 16];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return manager.create(v, new Shape(2, LATENT_CHANNELS, 4, 4));
    }

    /**
     * Noise-prediction MSE of {@code model} on the instance latents with noise and timesteps drawn from {@code seed}
     * (no gradient).
     */
    public static float evaluate(TrainingModel model, List<String> prompts, long seed) {
        try (NDManager m = NDManager.newBaseManager()) {
            float total = 0;
            for (int i = 0; i < 4; i++) {
                try (NDManager step = m.newSubManager()) {
                    total += loss(model, step, prompts, seed + i).getFloat();
                }
            }
            return total / 4;
        }
    }

    private static NDArray loss(TrainingModel model, NDManager m, List<String> prompts, long seed) {
        Random r = new Random(seed);
        NDArray latents = instanceLatents(m);
        float[] noise = new float[(int) latents.size()];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) r.nextGaussian();
        }
        NDArray eps = m.create(noise, latents.getShape());
        long[] ts = {r.nextInt(TIMESTEPS), r.nextInt(TIMESTEPS)};
        float[] a = new float[2];
        float[] s = new float[2];
        for (int i = 0; i < 2; i++) {
            float ac = model.noiseSchedule().alphasCumprod()[(int) ts[i]];
            a[i] = (float) Math.sqrt(ac);
            s[i] = (float) Math.sqrt(1 - ac);
        }
        NDArray noisy = latents.mul(m.create(a, new Shape(2, 1, 1, 1))).add(eps.mul(m.create(s, new Shape(2, 1, 1, 1))));
        long[][] ids = new long[2][];
        for (int i = 0; i < 2; i++) {
            ids[i] = model.tokenizer().encode(prompts.get(r.nextInt(prompts.size())));
        }
        NDArray idArray = m.create(ids);
        NDArray context = model.textEncoderFn().encode(idArray);
        NDArray pred = model.denoiser().predict(noisy, m.create(ts), context);
        return pred.sub(eps).square().mean();
    }

    /**
     * Trains the method's trainables with Adam (group learning rates from the method, else {@code lr}) for
     * {@code steps} steps; returns the loss of each step.
     */
    public static float[] train(FineTuningMethod method, TrainingModel model, TrainingConfig cfg, List<String> prompts,
                                int steps, float lr) {
        List<TrainableTensor> trainables = method.trainables();
        Map<String, Float> groupLr = method.groupLearningRates(cfg);
        float[] losses = new float[steps];
        try (NDManager state = NDManager.newBaseManager()) {
            List<NDArray> m1 = new ArrayList<>();
            List<NDArray> m2 = new ArrayList<>();
            for (TrainableTensor t : trainables) {
                m1.add(state.zeros(t.array().getShape()));
                m2.add(state.zeros(t.array().getShape()));
            }
            for (int step = 0; step < steps; step++) {
                try (NDManager scope = NDManager.newBaseManager()) {
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray loss = loss(model, scope, prompts, 1000 + step);
                        losses[step] = loss.getFloat();
                        gc.backward(loss);
                    }
                    for (int i = 0; i < trainables.size(); i++) {
                        TrainableTensor t = trainables.get(i);
                        float rate = groupLr.getOrDefault(t.group(), lr);
                        try (NDArray g = t.array().getGradient(); NDManager tmp = NDManager.newBaseManager()) {
                            NDArray gg = g.duplicate();
                            gg.attach(tmp);
                            m1.get(i).muli(0.9f).addi(gg.mul(0.1f));
                            m2.get(i).muli(0.999f).addi(gg.square().mul(0.001f));
                            float c1 = 1f - (float) Math.pow(0.9, step + 1);
                            float c2 = 1f - (float) Math.pow(0.999, step + 1);
                            NDArray mHat = m1.get(i).duplicate();
                            mHat.attach(tmp);
                            NDArray vHat = m2.get(i).duplicate();
                            vHat.attach(tmp);
                            t.array().subi(mHat.div(c1).div(vHat.div(c2).sqrt().add(1e-8f)).mul(rate));
                            g.subi(g); // zero the accumulated gradient
                        }
                    }
                    method.afterOptimizerStep();
                }
            }
        }
        return losses;
    }

    /** Deep copies of every stored weight (to check what training changed). */
    public static Map<String, float[]> snapshot(Module module) {
        Map<String, float[]> out = new LinkedHashMap<>();
        module.namedParameters().forEach((k, p) -> out.put(k, p.array().toFloatArray()));
        return out;
    }
}
