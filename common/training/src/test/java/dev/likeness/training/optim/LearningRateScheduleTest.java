package dev.likeness.training.optim;

import dev.likeness.training.LearningRateScheduleKind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Values of diffusers' get_scheduler lambdas at known points (warmup 10, 110 steps). */
class LearningRateScheduleTest {

    @Test
    void scheduleShapes() {
        LearningRateSchedule constant = new LearningRateSchedule(LearningRateScheduleKind.CONSTANT, 10, 110, 0.5f);
        assertThat(constant.factor(0)).isEqualTo(1.0);
        LearningRateSchedule warm = new LearningRateSchedule(LearningRateScheduleKind.CONSTANT_WITH_WARMUP, 10, 110,
                0.5f);
        assertThat(warm.factor(0)).isEqualTo(0.0);
        assertThat(warm.factor(5)).isEqualTo(0.5);
        assertThat(warm.factor(10)).isEqualTo(1.0);
        LearningRateSchedule linear = new LearningRateSchedule(LearningRateScheduleKind.LINEAR, 10, 110, 0.5f);
        assertThat(linear.factor(5)).isEqualTo(0.5);
        assertThat(linear.factor(60)).isCloseTo(0.5, within(1e-12));
        assertThat(linear.factor(110)).isEqualTo(0.0);
        LearningRateSchedule cosine = new LearningRateSchedule(LearningRateScheduleKind.COSINE, 10, 110, 0.5f);
        assertThat(cosine.factor(10)).isCloseTo(1.0, within(1e-12));
        assertThat(cosine.factor(60)).isCloseTo(0.5, within(1e-12));
        assertThat(cosine.factor(110)).isCloseTo(0.0, within(1e-12));
    }

    @Test
    void unknownNameIsRejected() {
        assertThatThrownBy(() -> LearningRateScheduleKind.fromId("polynomial")).hasMessageContaining("cosine");
    }
}
