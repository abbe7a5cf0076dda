package dev.likeness.worldmodels.clip;

import static org.assertj.core.api.Assertions.assertThat;

import dev.likeness.world.dataset.HeldOutRule;
import dev.likeness.world.dataset.Split;
import dev.likeness.world.dataset.WorldDataset;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The judge's training pool: the train split by default, every composition with {@code --split all}. */
class ClipTrainingPoolTest {

    private static final int COUNT = 300;

    @Test
    void allCompositionsFromAnotherSeedIncludeHeldOutOnesButNotTheEvaluationImages() {
        ClipRecipe recipe = ClipRecipe.defaults().withData(COUNT, 16);
        HeldOutRule rule = new WorldDataset(recipe.worldConfig(), Split.TRAIN).heldOutRule();

        ImagePool train = ClipTrainer.trainingPool(recipe, n -> { });
        for (int i = 0; i < train.size(); i++) {
            assertThat(rule.splitOf(train.scene(i))).isEqualTo(Split.TRAIN);
        }

        ImagePool all = ClipTrainer.trainingPool(recipe, Split.ALL, 777, n -> { });
        assertThat(all.size()).isEqualTo(COUNT);
        long heldOutCompositions = IntStream.range(0, all.size())
                .filter(i -> rule.splitOf(all.scene(i)) == Split.HELD_OUT).count();
        assertThat(heldOutCompositions).as("held-out compositions in the pool").isPositive();

        // the held-out images the command evaluates on (the recipe's own seed) are not in the pool
        WorldDataset evaluation = new WorldDataset(recipe.worldConfig(), Split.HELD_OUT);
        for (int j = 0; j < 64; j++) {
            byte[] eval = evaluation.sample(j).image().rgb();
            for (int i = 0; i < all.size(); i++) {
                assertThat(Arrays.equals(all.image(i).toBytes(), eval)).as("pool image %d vs held-out %d", i, j)
                        .isFalse();
            }
        }
    }
}
