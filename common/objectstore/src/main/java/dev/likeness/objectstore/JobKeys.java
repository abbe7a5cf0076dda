package dev.likeness.objectstore;

/**
 * Where one job's objects live, all under {@code jobs/<jobId>/}.
 *
 * @param root the job's folder
 */
public record JobKeys(ObjectKey root) {

    /** Folder of the uploaded subject images. */
    public ObjectKey inputs() {
        return root.folder("inputs");
    }

    /** Folder of generated class (prior-preservation) images, when not taken from the cache. */
    public ObjectKey classImages() {
        return root.folder("class-images");
    }

    /** Folder of resumable training checkpoints. */
    public ObjectKey checkpoints() {
        return root.folder("checkpoints");
    }

    /** Folder of the trained artifacts (deltas, embeddings, LoRA weights). */
    public ObjectKey artifacts() {
        return root.folder("artifacts");
    }

    /** Folder of the evaluation report and its images. */
    public ObjectKey report() {
        return root.folder("report");
    }

    /** The job's state document. */
    public ObjectKey state() {
        return root.resolve("state.json");
    }

    /** One file in the job's {@code inputs/} folder. */
    public ObjectKey input(String fileName) {
        return inputs().resolve(ObjectKey.segment(fileName, "input file name"));
    }

    /** One file in the job's {@code artifacts/} folder. */
    public ObjectKey artifact(String fileName) {
        return artifacts().resolve(ObjectKey.segment(fileName, "artifact file name"));
    }
}
