package dev.likeness.objectstore;

import java.util.regex.Pattern;

/**
 * The bucket layout, in one place:
 *
 * <pre>
 * likeness/
 *   models/&lt;name&gt;/                       diffusers model folders
 *   jobs/&lt;jobId&gt;/inputs/                  subject images
 *   jobs/&lt;jobId&gt;/class-images/            class images of this job
 *   jobs/&lt;jobId&gt;/checkpoints/             resumable checkpoints
 *   jobs/&lt;jobId&gt;/artifacts/               trained deltas / embeddings / LoRA weights
 *   jobs/&lt;jobId&gt;/report/                  evaluation report
 *   jobs/&lt;jobId&gt;/state.json               job state
 *   cache/class-images/&lt;digest&gt;/         class images shared by identical prior settings
 *   cache/svd/&lt;modelDigest&gt;/              SVD factors of a base model (SVDiff)
 *   renders/&lt;requestId&gt;/                 rendered images
 * </pre>
 */
public final class ObjectKeys {

    /** The default bucket. */
    public static final String BUCKET = "likeness";

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final ObjectKey MODELS = ObjectKey.of("models/");
    private static final ObjectKey JOBS = ObjectKey.of("jobs/");
    private static final ObjectKey CLASS_IMAGE_CACHE = ObjectKey.of("cache/class-images/");
    private static final ObjectKey SVD_CACHE = ObjectKey.of("cache/svd/");
    private static final ObjectKey RENDERS = ObjectKey.of("renders/");

    private ObjectKeys() {
    }

    /** Folder holding all base models. */
    public static ObjectKey models() {
        return MODELS;
    }

    /** Folder of one base model. */
    public static ObjectKey model(String name) {
        return MODELS.folder(id(name, "model name"));
    }

    /** The layout of one job. */
    public static JobKeys job(String jobId) {
        return new JobKeys(JOBS.folder(id(jobId, "job id")));
    }

    /** Cached class images for one prior-preservation setting (digest of model, prompt, sampler, count). */
    public static ObjectKey classImageCache(String digest) {
        return CLASS_IMAGE_CACHE.folder(id(digest, "class-image cache digest"));
    }

    /** Cached SVD factors of one base model. */
    public static ObjectKey svdCache(String modelDigest) {
        return SVD_CACHE.folder(id(modelDigest, "model digest"));
    }

    /** Output folder of one render request. */
    public static ObjectKey renders(String requestId) {
        return RENDERS.folder(id(requestId, "render request id"));
    }

    private static String id(String value, String what) {
        if (value == null || !ID.matcher(value).matches()) {
            throw new InvalidKeyException(what + " '" + value + "' is not valid: use 1-128 of A-Z a-z 0-9 . _ -, "
                    + "starting with a letter or digit");
        }
        return value;
    }
}
