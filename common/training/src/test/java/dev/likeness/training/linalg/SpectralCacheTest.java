package dev.likeness.training.linalg;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.io.SafeTensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpectralCacheTest {

    @TempDir
    Path tmp;

    @Test
    void computesOnceStoresAndExtendsTheCachedObject() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            ai.djl.engine.Engine.getInstance().setRandomSeed(1);
            Map<String, NDArray> matrices = new LinkedHashMap<>();
            matrices.put("a.weight", m.randomNormal(0, 1, new Shape(6, 10), DataType.FLOAT32));
            matrices.put("b.weight", m.randomNormal(0, 1, new Shape(12, 5), DataType.FLOAT32));
            String digest = SpectralCache.sha256(matrices);
            FolderSpectralStore store = new FolderSpectralStore(tmp);
            SpectralCache cache = new SpectralCache(store, 2);

            Map<String, SpectralCache.Factors> first = cache.factors(digest, Map.of("a.weight",
                    matrices.get("a.weight")), m);
            assertThat(cache.lastComputed()).isEqualTo(1);
            assertThat(first.get("a.weight").s().getShape()).isEqualTo(new Shape(6));
            Path object = store.fetch("svd-" + digest + ".safetensors").orElseThrow();
            try (SafeTensorsFile f = SafeTensorsFile.open(object)) {
                assertThat(f.names()).containsExactly("a.weight.S", "a.weight.U", "a.weight.Vh");
                assertThat(f.metadata()).containsEntry("likeness.svd.model_digest", digest);
            }

            Map<String, SpectralCache.Factors> both = cache.factors(digest, matrices, m);
            assertThat(cache.lastComputed()).as("only b is new").isEqualTo(1);
            assertThat(both.get("a.weight").s().toFloatArray()).containsExactly(first.get("a.weight").s().toFloatArray());
            assertThat(both.get("b.weight").vh().getShape()).isEqualTo(new Shape(5, 5));
            ThinSvd direct = ThinSvd.of(matrices.get("b.weight").toFloatArray(), 12, 5);
            assertThat(both.get("b.weight").s().toFloatArray()).containsExactly(direct.s());

            cache.factors(digest, matrices, m);
            assertThat(cache.lastComputed()).as("all from the cache").isZero();
        }
    }

    @Test
    void rejectsBadKeysAndShapes() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            SpectralCache cache = new SpectralCache(new FolderSpectralStore(tmp));
            assertThatThrownBy(() -> cache.factors("NOT-HEX", Map.of(), m)).hasMessageContaining("digest");
            assertThatThrownBy(() -> cache.factors("abcdef0123456789", Map.of("v", m.zeros(new Shape(3))), m))
                    .hasMessageContaining("not a matrix");
            assertThatThrownBy(() -> new FolderSpectralStore(tmp).fetch("../escape")).hasMessageContaining("key");
            assertThatThrownBy(() -> ThinSvd.of(new float[]{Float.NaN, 1, 2, 3}, 2, 2)).hasMessageContaining("NaN");
        }
    }

    @Test
    void rankDeficientMatricesStillGetOrthonormalFactors() {
        // rank 1: every direction after the first has σ = 0 and is rebuilt
        float[] w = new float[4 * 6];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 6; j++) {
                w[i * 6 + j] = (i + 1) * (j - 2.5f);
            }
        }
        ThinSvd svd = ThinSvd.of(w, 4, 6);
        assertThat(svd.s()[1]).isLessThan(1e-5f * svd.s()[0]);
        for (int a = 0; a < 4; a++) {
            for (int b = 0; b < 4; b++) {
                double dot = 0;
                for (int j = 0; j < 6; j++) {
                    dot += (double) svd.vh()[a * 6 + j] * svd.vh()[b * 6 + j];
                }
                assertThat(Math.abs(dot - (a == b ? 1 : 0))).isLessThan(1e-5);
            }
        }
        // and the reconstruction is exact to float precision
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 6; j++) {
                double v = 0;
                for (int k = 0; k < 4; k++) {
                    v += (double) svd.u()[i * 4 + k] * svd.s()[k] * svd.vh()[k * 6 + j];
                }
                assertThat(Math.abs(v - w[i * 6 + j])).isLessThan(1e-4);
            }
        }
    }
}
