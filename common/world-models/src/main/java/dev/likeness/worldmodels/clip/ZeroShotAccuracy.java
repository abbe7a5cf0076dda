package dev.likeness.worldmodels.clip;

import dev.likeness.metrics.preprocess.RgbImage;
import dev.likeness.world.dataset.Split;
import dev.likeness.world.dataset.WorldConfig;
import dev.likeness.world.dataset.WorldDataset;
import dev.likeness.world.dataset.WorldSample;
import dev.likeness.world.scene.ObjectAttributes;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Zero-shot accuracy of a {@link ZeroShotClassifier} on labelled world images (the main object's attributes). */
public record ZeroShotAccuracy(int images, double classAccuracy, double colourAccuracy, double patternAccuracy) {

    /** World images with the attributes of their main object. */
    public record Labelled(List<RgbImage> images, List<ObjectAttributes> labels) {
    }

    /** Samples {@code 0 … count-1} of {@code split}. */
    public static Labelled render(WorldConfig world, Split split, int count) {
        WorldDataset dataset = new WorldDataset(world, split);
        List<RgbImage> images = new ArrayList<>(count);
        List<ObjectAttributes> labels = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            WorldSample s = dataset.sample(i);
            images.add(ZeroShotClassifier.toMetricsImage(s.image()));
            labels.add(s.attributes().primary());
        }
        return new Labelled(images, labels);
    }

    public static ZeroShotAccuracy measure(ZeroShotClassifier classifier, Labelled data) {
        List<ZeroShotClassifier.Prediction> p = classifier.predict(data.images());
        int cls = 0;
        int col = 0;
        int pat = 0;
        for (int i = 0; i < p.size(); i++) {
            ObjectAttributes truth = data.labels().get(i);
            cls += p.get(i).objectClass() == truth.objectClass() ? 1 : 0;
            col += p.get(i).colour() == truth.colour() ? 1 : 0;
            pat += p.get(i).pattern() == truth.pattern() ? 1 : 0;
        }
        int n = p.size();
        return new ZeroShotAccuracy(n, (double) cls / n, (double) col / n, (double) pat / n);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "class %.1f%%, colour %.1f%%, pattern %.1f%% on %d images",
                100 * classAccuracy, 100 * colourAccuracy, 100 * patternAccuracy, images);
    }
}
