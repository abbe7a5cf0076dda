package dev.likeness.jobs.models;

import dev.likeness.contracts.events.ErrorCode;
import dev.likeness.jobs.stage.StageFailure;
import dev.likeness.objectstore.ObjectKey;
import dev.likeness.objectstore.ObjectNotFoundException;
import dev.likeness.objectstore.ObjectStore;
import dev.likeness.objectstore.ObjectSummary;
import dev.likeness.objectstore.ObjectUri;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Base models (diffusers folders in the object store) as local folders: each is downloaded once per content into
 * {@code <cacheDir>/models/<key>/} (to a temporary sibling first, then renamed, so a half-downloaded folder is never
 * used), and identified by a digest of its weights that needs no download.
 */
public final class BaseModels {

    /** The weight files that make up a model's identity. */
    public static final List<String> WEIGHTS = List.of("unet/diffusion_pytorch_model.safetensors",
            "text_encoder/model.safetensors", "vae/diffusion_pytorch_model.safetensors");

    private final ObjectStore store;
    private final Path cacheDir;

    public BaseModels(ObjectStore store, Path cacheDir) {
        this.store = store;
        this.cacheDir = cacheDir;
    }

    /**
     * SHA-256 over the SHA-256 of each weight file (as recorded at upload): the model's content identity, e.g. for
     * cache keys. Fails with {@code MODEL_INVALID} when a weight file is missing.
     */
    public String digest(String folderUri) {
        ObjectKey root = folderKey(folderUri);
        StringBuilder sb = new StringBuilder();
        for (String w : WEIGHTS) {
            try {
                sb.append(w).append('=').append(store.digest(root.resolve(w))).append('\n');
            } catch (ObjectNotFoundException e) {
                throw new StageFailure(ErrorCode.MODEL_INVALID, "base model " + folderUri + " has no " + w);
            }
        }
        return sha256(sb.toString());
    }

    /** Checks that {@code folderUri} holds a diffusers folder ({@code model_index.json} and the weights). */
    public void check(String folderUri) {
        ObjectKey root = folderKey(folderUri);
        if (!store.exists(root.resolve("model_index.json"))) {
            throw new StageFailure(ErrorCode.MODEL_INVALID, "base model " + folderUri
                    + " is not a diffusers folder (no model_index.json)");
        }
        digest(folderUri);
    }

    /** The local copy of the model at {@code folderUri}, downloading it when this cache has none. */
    public Path fetch(String folderUri) throws IOException {
        ObjectKey root = folderKey(folderUri);
        check(folderUri);
        String name = sha256(folderUri + "\n" + digest(folderUri)).substring(0, 24);
        Path models = Files.createDirectories(cacheDir.resolve("models"));
        Path target = models.resolve(name);
        if (Files.isRegularFile(target.resolve("model_index.json"))) {
            return target;
        }
        Path tmp = Files.createTempDirectory(models, "." + name + "-");
        try {
            List<ObjectSummary> objects = store.list(root);
            for (ObjectSummary o : objects) {
                if (o.key().isFolder()) {
                    continue;
                }
                store.get(o.key(), tmp.resolve(o.key().relativeTo(root)));
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                // another job fetched it meanwhile; theirs is as good as ours
            } catch (IOException e) {
                if (!Files.isRegularFile(target.resolve("model_index.json"))) {
                    throw e;
                }
            }
            return target;
        } finally {
            deleteTree(tmp);
        }
    }

    private ObjectKey folderKey(String folderUri) {
        if (folderUri == null || !folderUri.endsWith("/")) {
            throw new StageFailure(ErrorCode.INVALID_PARAMETER, "base model must be a folder URI ending in '/', got '"
                    + folderUri + "'");
        }
        try {
            return store.keyOf(ObjectUri.parse(folderUri));
        } catch (IllegalArgumentException e) {
            throw new StageFailure(ErrorCode.INVALID_PARAMETER, "base model URI " + folderUri + " is not usable: "
                    + e.getMessage(), e);
        }
    }

    /** Lower-case hex SHA-256 of a string. */
    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
