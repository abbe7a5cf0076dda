package dev.likeness.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.likeness.engine.io.SafeTensorsFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;

/** The golden evaluation set copied into this module's test resources (see golden/eval/README.md). */
public final class GoldenEval {

    public static final List<String> IMAGES = List.of("img0_landscape_49x40.png", "img1_square_64x64.png",
            "img2_portrait_40x57.png", "img3_small_20x24.png");

    private GoldenEval() {
    }

    public static Path dir() {
        URL url = GoldenEval.class.getClassLoader().getResource("golden/eval/MANIFEST.txt");
        if (url == null) {
            throw new IllegalStateException("golden/eval is not on the test classpath");
        }
        try {
            return Path.of(url.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Path image(int i) {
        return dir().resolve("images").resolve(IMAGES.get(i));
    }

    public static Path clipModel() {
        return dir().resolve("tiny-clip");
    }

    public static Path dinoModel() {
        return dir().resolve("tiny-dino");
    }

    public static SafeTensorsFile clip() {
        return open("clip.safetensors");
    }

    public static SafeTensorsFile dino() {
        return open("dino.safetensors");
    }

    private static SafeTensorsFile open(String name) {
        try {
            return SafeTensorsFile.open(dir().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] bytes(SafeTensorsFile f, String name) {
        try (NDManager m = NDManager.newBaseManager()) {
            return f.load(name, m).toByteArray();
        }
    }

    public static float[] floats(SafeTensorsFile f, String name) {
        try (NDManager m = NDManager.newBaseManager()) {
            return f.loadFloat32(name, m).toFloatArray();
        }
    }

    public static long[] longs(SafeTensorsFile f, String name) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = f.load(name, m);
            return a.toLongArray();
        }
    }

    public static long[] shape(SafeTensorsFile f, String name) {
        return f.info(name).shape();
    }

    /** Largest absolute element difference. */
    public static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("length " + a.length + " != " + b.length);
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs((double) a[i] - b[i]));
        }
        return max;
    }
}
