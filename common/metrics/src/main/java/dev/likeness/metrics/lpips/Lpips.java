package dev.likeness.metrics.lpips;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.pooling.Pool;
import dev.likeness.engine.io.SafeTensorsFile;
import dev.likeness.engine.nn.Conv2d;
import dev.likeness.engine.nn.Module;
import dev.likeness.metrics.metric.PairDistance;
import dev.likeness.metrics.preprocess.RgbImage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * LPIPS v0.1 with the AlexNet backbone (Zhang et al. 2018), the paper's DIV measure. The weights are an input: a
 * safetensors file holding torchvision's AlexNet {@code features.{0,3,6,8,10}.{weight,bias}} and LPIPS' linear heads
 * {@code lin{0..4}.model.1.weight [1, C, 1, 1]} (keys may also carry LPIPS' {@code net.sliceK.} prefix).
 *
 * <p>Distance: inputs mapped to [-1, 1] and through LPIPS' scaling layer; at the five ReLU taps the features are
 * unit-normalised over channels, the squared difference is weighted per channel by the head, averaged over space,
 * and the five layer values are summed.
 */
public final class Lpips extends Module implements PairDistance, AutoCloseable {

    private static final int[] TAPS = {0, 3, 6, 8, 10};
    private static final int[] CHANNELS = {64, 192, 384, 256, 256};
    private static final float[] SHIFT = {-0.030f, -0.088f, -0.188f};
    private static final float[] SCALE = {0.458f, 0.448f, 0.450f};

    /** A weightless segment of a key path. */
    private static final class Segment extends Module {
        <M extends Module> M add(String name, M m) {
            return child(name, m);
        }
    }

    private final List<Conv2d> convs = new ArrayList<>();
    private final List<Conv2d> heads = new ArrayList<>();
    private NDManager weights;

    private Lpips() {
        Segment features = child("features", new Segment());
        int in = 3;
        int[][] geometry = {{11, 4, 2}, {5, 1, 2}, {3, 1, 1}, {3, 1, 1}, {3, 1, 1}}; // kernel, stride, padding
        for (int i = 0; i < TAPS.length; i++) {
            convs.add(features.add(Integer.toString(TAPS[i]), new Conv2d(in, CHANNELS[i], geometry[i][0],
                    geometry[i][1], geometry[i][2], true)));
            in = CHANNELS[i];
        }
        for (int i = 0; i < TAPS.length; i++) {
            Segment model = child("lin" + i, new Segment()).add("model", new Segment());
            heads.add(model.add("1", new Conv2d(CHANNELS[i], 1, 1, 1, 0, false)));
        }
    }

    /** Loads the backbone and heads from one safetensors file. */
    public static Lpips load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("LPIPS weights not found: " + file);
        }
        Lpips lpips = new Lpips();
        lpips.weights = NDManager.newBaseManager();
        try (SafeTensorsFile st = SafeTensorsFile.open(file)) {
            List<String> keys = new ArrayList<>();
            for (String k : st.names()) {
                keys.add(canonical(k));
            }
            lpips.loadStateDict(keys.stream().filter(k -> !k.startsWith("scaling_layer.")).toList(), (key, shape) -> {
                for (String k : st.names()) {
                    if (canonical(k).equals(key)) {
                        return st.loadFloat32(k, lpips.weights);
                    }
                }
                return null;
            });
        } catch (IllegalArgumentException e) {
            lpips.close();
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            lpips.close();
            throw e;
        }
        lpips.setTrainable(false);
        return lpips;
    }

    /** {@code net.slice2.3.weight} → {@code features.3.weight}. */
    private static String canonical(String key) {
        if (key.startsWith("net.slice")) {
            int dot = key.indexOf('.', "net.slice".length());
            return "features" + key.substring(dot);
        }
        return key;
    }

    @Override
    public String description() {
        return "LPIPS v0.1 (AlexNet) between same-prompt images";
    }

    /** LPIPS distance of two images of equal size (0 for identical images). */
    @Override
    public double distance(RgbImage a, RgbImage b) {
        if (a.width() != b.width() || a.height() != b.height()) {
            throw new IllegalArgumentException("LPIPS needs images of equal size, got " + a.width() + "x" + a.height()
                    + " and " + b.width() + "x" + b.height());
        }
        try (NDManager m = NDManager.newBaseManager(); NDScope scope = new NDScope()) {
            NDArray x = m.create(input(a), new Shape(1, 3, a.height(), a.width()));
            NDArray y = m.create(input(b), new Shape(1, 3, b.height(), b.width()));
            double total = 0;
            for (int i = 0; i < TAPS.length; i++) {
                if (i == 1 || i == 2) {
                    Shape k = new Shape(3, 3);
                    Shape s = new Shape(2, 2);
                    x = Pool.maxPool2d(x, k, s, new Shape(0, 0), false);
                    y = Pool.maxPool2d(y, k, s, new Shape(0, 0), false);
                }
                x = Activation.relu(convs.get(i).forward(x));
                y = Activation.relu(convs.get(i).forward(y));
                NDArray diff = unit(x).sub(unit(y)).square();
                total += heads.get(i).forward(diff).mean().getFloat();
            }
            return total;
        }
    }

    /** {@code [1, C, H, W]} divided by its channel norm (+1e-10, as LPIPS). */
    private static NDArray unit(NDArray f) {
        return f.div(f.square().sum(new int[]{1}, true).sqrt().add(1e-10f));
    }

    /** uint8 → [-1, 1] → LPIPS scaling layer, channel-first. */
    private static float[] input(RgbImage img) {
        int w = img.width();
        int h = img.height();
        float[] out = new float[3 * h * w];
        for (int c = 0; c < 3; c++) {
            for (int yy = 0; yy < h; yy++) {
                for (int xx = 0; xx < w; xx++) {
                    float v = img.get(xx, yy, c) / 127.5f - 1f;
                    out[(c * h + yy) * w + xx] = (v - SHIFT[c]) / SCALE[c];
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        if (weights != null) {
            weights.close();
            weights = null;
        }
    }
}
