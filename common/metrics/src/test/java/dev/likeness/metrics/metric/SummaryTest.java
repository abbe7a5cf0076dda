package dev.likeness.metrics.metric;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SummaryTest {

    @Test
    void meanSampleStdAndCount() {
        Summary s = Summary.of(new double[]{1, 2, 3, 4});
        assertThat(s.mean()).isEqualTo(2.5);
        assertThat(s.std()).isCloseTo(Math.sqrt(5.0 / 3.0), within(1e-15));
        assertThat(s.count()).isEqualTo(4);
        assertThat(Summary.of(new double[]{7}).std()).isZero();
        assertThat(Summary.of(new double[0]).isEmpty()).isTrue();
    }

    @Test
    void cosineBasics() {
        assertThat(Similarity.cosine(new float[]{1, 0}, new float[]{0, 2})).isZero();
        assertThat(Similarity.cosine(new float[]{1, 1}, new float[]{-3, -3})).isCloseTo(-1, within(1e-15));
        assertThat(Similarity.pairwiseDistances(new float[][]{{1, 0}, {0, 1}, {1, 0}}))
                .containsExactly(1.0, 0.0, 1.0);
        assertThatThrownBy(() -> Similarity.cosine(new float[]{0, 0}, new float[]{1, 0}))
                .hasMessageContaining("zero vector");
        assertThatThrownBy(() -> Similarity.cosine(new float[]{1}, new float[]{1, 0}))
                .hasMessageContaining("width");
    }
}
