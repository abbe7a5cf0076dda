package dev.likeness.training.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.likeness.training.optim.BlockwiseInt8.Code;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The 8-bit blockwise code: per-block scales and the per-value error bound of the fourth-root code. */
class BlockwiseInt8Test {

    // 2 full blocks and a partial one; magnitudes spread over 8 decades, one big value in the middle block
    private static float[] sample(boolean nonNegative) {
        Random r = new Random(42);
        float[] x = new float[2 * BlockwiseInt8.BLOCK_SIZE + 904];
        for (int i = 0; i < x.length; i++) {
            double mag = Math.pow(10, -8 * r.nextDouble()) * r.nextGaussian();
            x[i] = (float) (nonNegative ? Math.abs(mag) : mag);
        }
        x[17] = 0f;
        x[BlockwiseInt8.BLOCK_SIZE + 5] = nonNegative ? 40f : -40f;
        return x;
    }

    private static void checkBound(Code code) {
        float[] x = sample(code == Code.NON_NEGATIVE);
        try (NDManager m = NDManager.newBaseManager()) {
            Shape shape = new Shape(x.length / 8, 8);
            BlockwiseInt8.Encoded e = BlockwiseInt8.encode(m.create(x, shape), code);
            assertThat(e.codes().getDataType()).isEqualTo(code.dataType());
            assertThat(e.codes().size()).isEqualTo(x.length);
            assertThat(e.scales().getShape()).isEqualTo(new Shape(3));
            float[] scales = e.scales().toFloatArray();
            float[] back = BlockwiseInt8.decode(e.codes(), e.scales(), shape, code).toFloatArray();
            double half = 0.5 / code.levels();
            double worstRelative = 0;
            long flushed = 0;
            for (int i = 0; i < x.length; i++) {
                int block = i / BlockwiseInt8.BLOCK_SIZE;
                double a = scales[block];
                double y = Math.pow(Math.abs(x[i]) / a, 0.25);
                // the code rounds y to the nearest multiple of 1/L: |x - x'| <= a·((y + 1/(2L))^4 - y^4)
                double bound = a * (Math.pow(Math.min(1, y + half), 4) - Math.pow(y, 4)) + 1e-6 * Math.abs(x[i])
                        + 1e-30;
                assertThat((double) Math.abs(back[i] - x[i])).as("value %d of block %d", i, block)
                        .isLessThanOrEqualTo(bound);
                assertThat(Math.signum(back[i]) * Math.signum(x[i])).as("sign of %d", i).isGreaterThanOrEqualTo(0);
                if (Math.abs(x[i]) > 1e-4 * a) {
                    worstRelative = Math.max(worstRelative, Math.abs(back[i] - x[i]) / Math.abs(x[i]));
                }
                if (back[i] == 0 && x[i] != 0) {
                    flushed++;
                }
            }
            for (int b = 0; b < 3; b++) {
                float max = 0;
                for (int i = b * BlockwiseInt8.BLOCK_SIZE; i < Math.min(x.length, (b + 1) * BlockwiseInt8.BLOCK_SIZE);
                     i++) {
                    max = Math.max(max, Math.abs(x[i]));
                }
                assertThat(scales[b]).as("scale of block %d", b).isEqualTo(max);
            }
            assertThat(back[17]).isZero();
            assertThat(back[BlockwiseInt8.BLOCK_SIZE + 5]).isEqualTo(x[BlockwiseInt8.BLOCK_SIZE + 5]);
            System.out.printf("%s: worst relative error %.4f for |x| > 1e-4·absmax, %d of %d values flushed%n", code,
                    worstRelative, flushed, x.length);
            // 4·(1/(2L))/y at y = (1e-4)^(1/4) = 0.1; a linear absmax code would flush every value below absmax/(2L)
            assertThat(worstRelative).isLessThan(code == Code.SIGNED ? 0.17 : 0.09);
            assertThat(flushed).isLessThan(x.length / 50);
        }
    }

    @Test
    void signedCodeStaysWithinItsBoundPerValue() {
        checkBound(Code.SIGNED);
    }

    @Test
    void nonNegativeCodeStaysWithinItsBoundPerValue() {
        checkBound(Code.NON_NEGATIVE);
    }

    @Test
    void zerosAndSmallTensorsAreOneBlock() {
        try (NDManager m = NDManager.newBaseManager()) {
            BlockwiseInt8.Encoded zero = BlockwiseInt8.encode(m.zeros(new Shape(5)), Code.SIGNED);
            assertThat(zero.scales().toFloatArray()).containsExactly(0f);
            assertThat(BlockwiseInt8.decode(zero.codes(), zero.scales(), new Shape(5), Code.SIGNED).toFloatArray())
                    .containsOnly(0f);
            assertThat(BlockwiseInt8.blocks(5)).isEqualTo(1);
            assertThat(BlockwiseInt8.bytes(5)).isEqualTo(9);
            assertThat(BlockwiseInt8.blocks(2 * BlockwiseInt8.BLOCK_SIZE + 1)).isEqualTo(3);
            assertThat(BlockwiseInt8.bytes(1L << 20)).isEqualTo((1L << 20) + 4 * 512);
        }
    }

    @Test
    void badInputIsRejected() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> BlockwiseInt8.encode(m.zeros(new Shape(4), DataType.FLOAT16), Code.SIGNED))
                    .hasMessageContaining("float32");
            BlockwiseInt8.Encoded e = BlockwiseInt8.encode(m.ones(new Shape(4)), Code.SIGNED);
            assertThatThrownBy(() -> BlockwiseInt8.decode(e.codes(), e.scales(), new Shape(5), Code.SIGNED))
                    .hasMessageContaining("codes for shape");
            assertThatThrownBy(() -> BlockwiseInt8.decode(e.codes(), e.scales(), new Shape(4), Code.NON_NEGATIVE))
                    .hasMessageContaining("uint8");
        }
    }
}
