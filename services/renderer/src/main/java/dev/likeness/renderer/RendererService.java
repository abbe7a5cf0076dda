package dev.likeness.renderer;

import ai.djl.ndarray.NDManager;
import dev.likeness.contracts.Topics;
import dev.likeness.jobs.JobRuntime;
import dev.likeness.jobs.models.BaseModels;
import dev.likeness.jobs.stage.RunnerSettings;
import dev.likeness.objectstore.ObjectStore;
import dev.likeness.objectstore.RetryPolicy;
import dev.likeness.renderer.render.ModelCache;
import dev.likeness.renderer.render.Renderer;
import dev.likeness.servicekit.health.CheckResult;
import dev.likeness.servicekit.jobs.ServiceInstances;
import dev.likeness.servicekit.health.HealthCheck;
import dev.likeness.servicekit.s3.S3Config;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The renderer service: consumes {@code likeness.render} (group {@code likeness-renderer}) one request at a time,
 * off the polling thread, and answers each with a {@code render.completed} or {@code render.failed} event
 * ({@link RenderProcessor} → {@link Renderer}). Independent of jobs: any trained artifact in the store can be
 * rendered with any compatible base model.
 */
@ApplicationScoped
public class RendererService implements HealthCheck {

    /** Consumer group of the renderers. */
    static final String GROUP = "likeness-renderer";

    private static final Logger LOG = Logger.getLogger(RendererService.class);

    @Inject
    S3Config s3;

    @Inject
    RendererConfig config;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private ObjectStore store;
    private JobRuntime runtime;
    private NDManager manager;
    private ModelCache models;

    void start(@Observes StartupEvent event) throws Exception {
        store = ObjectStore.builder().endpoint(s3.endpoint()).credentials(s3.accessKey(), s3.secretKey())
                .region(s3.region()).bucket(s3.bucket())
                .retry(new RetryPolicy(config.storeRetryAttempts(), config.storeRetryBackoff(),
                        config.storeRetryMaxBackoff()))
                .build();
        String instance = config.instanceId().orElseGet(ServiceInstances::defaultId);
        Path cache = Files.createDirectories(Path.of(config.cacheDir()));
        Path work = Files.createDirectories(cache.resolve("work"));
        RunnerSettings settings = RunnerSettings.defaults("renderer", instance, work);
        runtime = JobRuntime.create(settings, bootstrapServers, store);

        manager = NDManager.newBaseManager();
        models = new ModelCache(new BaseModels(store, cache), manager, config.modelCacheSize());
        Renderer renderer = new Renderer(store, models, SpectralCaches.local(cache), work, config.downloadExpiry());
        Gauge.builder("likeness_render_models_loaded", models, ModelCache::size)
                .description("Base models held in memory").register(registry);
        FunctionCounter.builder("likeness_render_model_loads", models, ModelCache::loads)
                .description("Base models loaded (not served from the in-memory cache)").register(registry);
        Counter received = Counter.builder("likeness_render_requests")
                .description("Render requests received").register(registry);
        RenderProcessor processor = new RenderProcessor(renderer, runtime.events(), runtime.deadLetters(),
                settings.source());
        runtime.consume(Topics.RENDER, GROUP, (record, stop) -> {
            received.increment();
            return processor.process(record, stop);
        }, config.consumer());
        LOG.infof("renderer %s consuming %s", instance, Topics.RENDER);
    }

    void stop(@Observes ShutdownEvent event) {
        if (runtime != null) {
            runtime.shutdownGrace(Duration.ofSeconds(20)).close();
        }
        if (models != null) {
            models.close();
        }
        if (manager != null) {
            manager.close();
        }
        if (store != null) {
            store.close();
        }
    }


    // ---- health: the consumer must be polling ------------------------------------------------------

    @Override
    public String name() {
        return "consumers";
    }

    @Override
    public Kind kind() {
        return Kind.LIVENESS;
    }

    @Override
    public CheckResult check() {
        return ServiceInstances.consumersCheck(name(), runtime == null ? List.of() : runtime.consumers(),
                "the render consumer stopped", Map.of());
    }
}
