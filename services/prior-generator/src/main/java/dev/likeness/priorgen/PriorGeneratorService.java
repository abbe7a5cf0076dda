package dev.likeness.priorgen;

import dev.likeness.contracts.Topics;
import dev.likeness.jobs.JobRuntime;
import dev.likeness.jobs.images.ImageLimits;
import dev.likeness.jobs.images.InputImages;
import dev.likeness.jobs.kafka.RecordProcessor;
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
 * The prior-generator service: the intake of {@code likeness.jobs} (validate, {@code accepted}, route to the first
 * stage) and the {@code prior} stage on {@code likeness.stage.prior} ({@link ClassImageStage}). Both run on the
 * shared job runtime: one record at a time, off the polling thread, committed when done.
 */
@ApplicationScoped
public class PriorGeneratorService implements HealthCheck {

    /** Consumer group of the intake; every prior-generator instance shares it. */
    static final String INTAKE_GROUP = "likeness-intake";
    /** Consumer group of the prior stage. */
    static final String STAGE_GROUP = "likeness-prior-generator";

    private static final Logger LOG = Logger.getLogger(PriorGeneratorService.class);

    @Inject
    S3Config s3;

    @Inject
    JobsConfig config;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private ObjectStore store;
    private JobRuntime runtime;

    void start(@Observes StartupEvent event) throws Exception {
        store = ObjectStore.builder().endpoint(s3.endpoint()).credentials(s3.accessKey(), s3.secretKey())
                .region(s3.region()).bucket(s3.bucket())
                .retry(new RetryPolicy(config.storeRetryAttempts(), config.storeRetryBackoff(),
                        config.storeRetryMaxBackoff()))
                .build();
        String instance = config.instanceId().orElseGet(ServiceInstances::defaultId);
        Path cache = Files.createDirectories(Path.of(config.cacheDir()));
        RunnerSettings settings = new RunnerSettings("prior-generator", instance, cache.resolve("work"),
                config.heartbeatInterval(), config.leaseTimeout(), config.progressMinInterval(),
                config.cancelCheckInterval());
        runtime = JobRuntime.create(settings, bootstrapServers, store).shutdownGrace(config.shutdownGrace());
        runtime.startControlListener();

        BaseModels models = new BaseModels(store, cache);
        InputImages images = new InputImages(store, new ImageLimits(config.maxImageBytes(), config.maxImagePixels()));
        Counter generated = Counter.builder("likeness_class_images_generated")
                .description("Class images generated (not taken from the cache)").register(registry);
        Counter reused = Counter.builder("likeness_class_images_reused")
                .description("Class images taken from the cache").register(registry);
        ClassImageStage stage = new ClassImageStage(models, generated::increment, reused::increment);

        runtime.consume(Topics.JOBS, INTAKE_GROUP,
                counted("intake", runtime.intake(new InstanceChecks(images, models))), config.consumer());
        runtime.consume(Topics.STAGE_PRIOR, STAGE_GROUP, counted("prior", runtime.stageRunner(stage)),
                config.consumer());
        LOG.infof("prior-generator %s consuming %s and %s", instance, Topics.JOBS, Topics.STAGE_PRIOR);
    }

    void stop(@Observes ShutdownEvent event) {
        if (runtime != null) {
            runtime.close();
        }
        if (store != null) {
            store.close();
        }
    }

    private RecordProcessor counted(String stage, RecordProcessor processor) {
        Counter received = Counter.builder("likeness_stage_messages")
                .description("Messages received on this service's job topics")
                .tag("stage", stage)
                .register(registry);
        return (record, stop) -> {
            received.increment();
            return processor.process(record, stop);
        };
    }


    // ---- health: the consumers must be polling -----------------------------------------------------

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
                "a job consumer stopped", Map.of());
    }
}
