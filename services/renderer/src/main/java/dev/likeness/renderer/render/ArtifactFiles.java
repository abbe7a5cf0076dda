package dev.likeness.renderer.render;

import dev.likeness.contracts.events.ErrorCode;
import dev.likeness.contracts.render.ArtifactKind;
import dev.likeness.contracts.render.ArtifactRef;
import dev.likeness.jobs.stage.StageFailure;
import dev.likeness.objectstore.ObjectKey;
import dev.likeness.objectstore.ObjectNotFoundException;
import dev.likeness.objectstore.ObjectStore;
import dev.likeness.objectstore.ObjectUri;
import dev.likeness.training.artifact.ArtifactOptions;
import dev.likeness.training.method.svdiff.SpectralShifts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Downloads the artifacts a render request names and turns them into {@link ArtifactOptions}: every SVDiff file with
 * its weight (plus its text-encoder sibling {@code spectral_shifts_te.safetensors} when there is one), Textual
 * Inversion embeddings, and at most one LoRA with its scale.
 */
final class ArtifactFiles {

    private ArtifactFiles() {
    }

    static ArtifactOptions download(ObjectStore store, List<ArtifactRef> refs, Path dir) throws IOException {
        List<ArtifactOptions.Weighted> svdiff = new ArrayList<>();
        List<Path> embeddings = new ArrayList<>();
        ArtifactOptions.Weighted lora = null;
        for (int i = 0; i < refs.size(); i++) {
            ArtifactRef ref = refs.get(i);
            Path folder = Files.createDirectories(dir.resolve("artifact-" + i));
            ObjectKey key = keyOf(store, ref.uri());
            Path file = fetch(store, key, folder, ref.uri());
            float weight = ref.weight() == null ? 1f : ref.weight().floatValue();
            if (ref.kind() == ArtifactKind.SVDIFF) {
                String sibling = key.name().equals(SpectralShifts.TEXT_ENCODER_FILE) ? SpectralShifts.UNET_FILE
                        : SpectralShifts.TEXT_ENCODER_FILE;
                ObjectKey siblingKey = key.resolveSibling(sibling);
                if (store.exists(siblingKey)) {
                    fetch(store, siblingKey, folder, store.uri(siblingKey).toString());
                }
                svdiff.add(new ArtifactOptions.Weighted(file, weight));
            } else if (ref.kind() == ArtifactKind.TEXTUAL_INVERSION) {
                if (weight != 1f) {
                    throw new StageFailure(ErrorCode.INVALID_PARAMETER, "artifact " + ref.uri() + ": a textual-inversion "
                            + "embedding is applied as trained; weight must be 1, got " + weight);
                }
                embeddings.add(file);
            } else {
                if (lora != null) {
                    throw new StageFailure(ErrorCode.INVALID_PARAMETER, "at most one lora artifact can be applied; "
                            + "got a second one: " + ref.uri());
                }
                lora = new ArtifactOptions.Weighted(file, weight);
            }
        }
        return new ArtifactOptions(svdiff, embeddings, lora);
    }

    private static Path fetch(ObjectStore store, ObjectKey key, Path folder, String uri) {
        try {
            return store.get(key, folder.resolve(key.name()));
        } catch (ObjectNotFoundException e) {
            throw new StageFailure(ErrorCode.MODEL_INVALID, "artifact " + uri + " does not exist", e);
        }
    }

    private static ObjectKey keyOf(ObjectStore store, String uri) {
        try {
            return store.keyOf(ObjectUri.parse(uri));
        } catch (IllegalArgumentException e) {
            throw new StageFailure(ErrorCode.INVALID_PARAMETER, "artifact URI " + uri + " is not usable: "
                    + e.getMessage(), e);
        }
    }
}
