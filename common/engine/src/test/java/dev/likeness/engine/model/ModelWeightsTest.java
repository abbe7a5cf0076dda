package dev.likeness.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.io.SafeTensorsFile;
import dev.likeness.engine.io.SafeTensorsWriter;
import dev.likeness.engine.model.unet.UNet2DConditionModel;
import dev.likeness.engine.model.unet.UNetConfig;
import dev.likeness.engine.testing.Golden;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelWeightsTest {

    private static final Path UNET = Golden.path("tiny-sd/unet");
    private static final String KEY = "down_blocks.1.attentions.0.transformer_blocks.0.attn2.to_k.weight";

    @Test
    void missingKeyIsNamed(@TempDir Path dir) throws Exception {
        Path f = rewrite(dir, m -> m.remove(KEY));
        assertThatThrownBy(() -> loadInto(f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Missing keys: [" + KEY + "]");
    }

    @Test
    void unexpectedKeyIsNamed(@TempDir Path dir) throws Exception {
        Path f = rewrite(dir, m -> m.put("down_blocks.9.extra.weight", m.get(KEY).duplicate()));
        assertThatThrownBy(() -> loadInto(f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Unexpected keys: [down_blocks.9.extra.weight]");
    }

    @Test
    void misShapedKeyIsNamed(@TempDir Path dir) throws Exception {
        Path f = rewrite(dir, m -> m.put(KEY, m.get(KEY).reshape(32, 64)));
        assertThatThrownBy(() -> loadInto(f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Mis-shaped keys: [" + KEY + " (expected (64, 32), checkpoint has (32, 64))]");
    }

    @Test
    void halfPrecisionIsWidenedAndPrefixIsStripped(@TempDir Path dir) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> tensors = read(manager);
            Map<String, NDArray> half = new TreeMap<>();
            tensors.forEach((k, v) -> half.put("unet." + k, v.toType(ai.djl.ndarray.types.DataType.FLOAT16, true)));
            half.put("other.thing", manager.zeros(new Shape(2)));
            Path f = dir.resolve("half.safetensors");
            SafeTensorsWriter.write(f, half, Map.of());
            UNet2DConditionModel unet = new UNet2DConditionModel(UNetConfig.read(UNET.resolve("config.json")));
            ModelWeights.load(unet, f, manager, "unet.");
            NDArray w = unet.namedParameters().get(KEY).array();
            assertThat(w.getDataType()).isEqualTo(ai.djl.ndarray.types.DataType.FLOAT32);
            float err = GoldenTensors.maxAbsDiff(w, tensors.get(KEY));
            assertThat(err).isGreaterThan(0f).isLessThan(1e-3f);
        }
    }

    @Test
    void loadedWeightsAreWritableCopies() {
        try (NDManager manager = NDManager.newBaseManager()) {
            UNet2DConditionModel unet = UNet2DConditionModel.load(UNET, manager);
            NDArray w = unet.namedParameters().get(KEY).array();
            w.setRequiresGradient(false);
            // an in-place update on an array still mapped read-only would crash the JVM
            w.addi(1f);
            assertThat(w.getFloat(0, 0)).isNotNaN();
        }
    }

    private static void loadInto(Path f) {
        try (NDManager manager = NDManager.newBaseManager()) {
            UNet2DConditionModel unet = new UNet2DConditionModel(UNetConfig.read(UNET.resolve("config.json")));
            ModelWeights.load(unet, f, manager, "");
        }
    }

    private static Map<String, NDArray> read(NDManager manager) throws Exception {
        Map<String, NDArray> m = new TreeMap<>();
        try (SafeTensorsFile st = SafeTensorsFile.open(UNET.resolve("diffusion_pytorch_model.safetensors"))) {
            for (String k : st.names()) {
                m.put(k, st.load(k, manager).duplicate());
            }
        }
        return m;
    }

    private static Path rewrite(Path dir, Consumer<Map<String, NDArray>> edit) throws Exception {
        Path f = dir.resolve("edited.safetensors");
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> m = read(manager);
            edit.accept(m);
            SafeTensorsWriter.write(f, m, Map.of("format", "pt"));
        }
        return f;
    }
}
