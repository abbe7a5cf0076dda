package dev.likeness.renderer.render;

import ai.djl.ndarray.NDManager;
import dev.likeness.engine.folder.StableDiffusionModel;
import dev.likeness.jobs.models.BaseModels;
import dev.likeness.jobs.stage.StageFailure;
import dev.likeness.contracts.events.ErrorCode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Loaded base models, least recently used first out: loading a model is seconds to minutes, so consecutive renders
 * on one model reuse it. Keyed by folder URI and content digest, so a model replaced under the same URI is loaded
 * afresh. Not thread-safe: the renderer renders one request at a time.
 */
public final class ModelCache implements AutoCloseable {

    private final BaseModels baseModels;
    private final NDManager manager;
    private final int capacity;
    private final LinkedHashMap<String, StableDiffusionModel> loaded = new LinkedHashMap<>(8, 0.75f, true);
    private int loads;

    /**
     * @param capacity how many models stay loaded (at least 1)
     * @param manager  parent of every loaded model's manager
     */
    public ModelCache(BaseModels baseModels, NDManager manager, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("model cache capacity must be >= 1, got " + capacity);
        }
        this.baseModels = baseModels;
        this.manager = manager;
        this.capacity = capacity;
    }

    /** The model in the folder {@code uri} ({@code s3://bucket/models/name/}), loaded on first use. */
    public StableDiffusionModel get(String uri) {
        String key = uri + "@" + baseModels.digest(uri);
        StableDiffusionModel model = loaded.get(key);
        if (model != null) {
            return model;
        }
        Path folder;
        try {
            folder = baseModels.fetch(uri);
        } catch (IOException e) {
            throw new StageFailure(ErrorCode.STORE_UNAVAILABLE, "cannot download base model " + uri + ": " + e, e);
        }
        try {
            model = StableDiffusionModel.load(folder, manager.newSubManager());
        } catch (IOException | RuntimeException e) {
            throw new StageFailure(ErrorCode.MODEL_INVALID, "base model " + uri + " cannot be loaded: "
                    + e.getMessage(), e);
        }
        loads++;
        loaded.put(key, model);
        while (loaded.size() > capacity) {
            Map.Entry<String, StableDiffusionModel> eldest = loaded.entrySet().iterator().next();
            loaded.remove(eldest.getKey());
            eldest.getValue().close();
        }
        return model;
    }

    /** How many times a model was loaded (not served from the cache). */
    public int loads() {
        return loads;
    }

    /** Models loaded now. */
    public int size() {
        return loaded.size();
    }

    @Override
    public void close() {
        loaded.values().forEach(StableDiffusionModel::close);
        loaded.clear();
    }
}
