package dev.likeness.evaluator;

import dev.likeness.contracts.Topics;
import dev.likeness.evaluator.encoders.Encoders;
import dev.likeness.jobs.JobRuntime;
import dev.likeness.jobs.images.ImageLimits;
import dev.likeness.jobs.images.InputImages;
import dev.likeness.jobs.models.BaseModels;
import dev.likeness.jobs.stage.RunnerSettings;
import dev.likeness.objectstore.ObjectStore;
import dev.likeness.objectstore.RetryPolicy;
import dev.likeness.servicekit.health.CheckResult;
import dev.likeness.servicekit.jobs.ServiceInstances;
import dev.likeness.servicekit.health.HealthCheck;
import dev.likeness.servicekit.s3.S3Config;
import io.micrometer.core.instrument.Counter;
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
import java.util.List;
import java.util.Map;

/**
 * The evaluator service: the {@code evaluate} stage on {@code likeness.stage.evaluate} (group
 * {@code likeness-evaluator}), run by the shared job runtime ({@link EvaluateStage} does the work), one job at a time,
 * off the polling thread. It publishes the job's final {@code succeeded} event.
 */
@ApplicationScoped
public class EvaluatorService implements HealthCheck {

    /** Consumer group of the evaluate stage. */
    static final String GROUP = "likeness-evaluator";

    private static final Logger LOG = Logger.getLogger(EvaluatorService.class);

    @Inject
    S3Config s3;

    @Inject
    EvaluatorConfig config;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private ObjectStore store;
    private JobRuntime runtime;
    private Encoders encoders;

    void start(@Observes StartupEvent event) throws Exception {
        store = ObjectStore.builder().endpoint(s3.endpoint()).credentials(s3.accessKey(), s3.secretKey())
                .region(s3.region()).bucket(s3.bucket())
                .retry(new RetryPolicy(config.storeRetryAttempts(), config.storeRetryBackoff(),
                        config.storeRetryMaxBackoff()))
                .build();
        String instance = config.instanceId().orElseGet(ServiceInstances::defaultId);
        Path cache = Files.createDirectories(Path.of(config.cacheDir()));
        RunnerSettings settings = new RunnerSettings("evaluator", instance, cache.resolve("work"),
                config.heartbeatInterval(), config.leaseTimeout(), config.progressMinInterval(),
                config.cancelCheckInterval());
        runtime = JobRuntime.create(settings, bootstrapServers, store).shutdownGrace(config.shutdownGrace());
        runtime.startControlListener();

        encoders = Encoders.load(store, config.clip(), config.dino(), cache, config.randomEncoderSeed(),
                config.encoderBatchSize());
        if (encoders.untrained()) {
            LOG.warn("evaluating with UNTRAINED (random) encoders: metrics check the pipeline only; configure "
                    + "likeness.evaluator.clip and likeness.evaluator.dino for meaningful numbers");
        }
        EvaluateStage stage = new EvaluateStage(new BaseModels(store, cache),
                new InputImages(store, new ImageLimits(config.maxImageBytes(), config.maxImagePixels())), encoders,
                EvaluateStage.localSpectralCache(cache), config.downloadExpiry());
        Counter received = Counter.builder("likeness_stage_messages")
                .description("Messages received on this service's job topics")
                .tag("stage", "evaluate")
                .register(registry);
        var runner = runtime.stageRunner(stage);
        runtime.consume(Topics.STAGE_EVALUATE, GROUP, (record, stop) -> {
            received.increment();
            return runner.process(record, stop);
        }, config.consumer());
        LOG.infof("evaluator %s consuming %s", instance, Topics.STAGE_EVALUATE);
    }

    void stop(@Observes ShutdownEvent event) {
        if (runtime != null) {
            runtime.close();
        }
        if (encoders != null) {
            encoders.close();
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
                "the evaluate consumer stopped", Map.of());
    }
}
