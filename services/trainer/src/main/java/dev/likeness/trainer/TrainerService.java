package dev.likeness.trainer;

import dev.likeness.contracts.Topics;
import dev.likeness.jobs.JobRuntime;
import dev.likeness.jobs.images.ImageLimits;
import dev.likeness.jobs.images.InputImages;
import dev.likeness.jobs.kafka.JobConsumer;
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
 * The trainer service: the {@code train} stage on {@code likeness.stage.train} ({@link TrainStage}), one job at a
 * time per instance, on the shared job runtime. Instances share the consumer group {@value #GROUP} and split the
 * partitions; on shutdown (SIGTERM) the running job checkpoints, is released and stays uncommitted, so another
 * instance resumes it.
 */
@ApplicationScoped
public class TrainerService implements HealthCheck {

    /** Consumer group of every trainer instance. */
    static final String GROUP = "likeness-trainer";

    private static final Logger LOG = Logger.getLogger(TrainerService.class);

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
    private String instance;

    void start(@Observes StartupEvent event) throws Exception {
        store = ObjectStore.builder().endpoint(s3.endpoint()).credentials(s3.accessKey(), s3.secretKey())
                .region(s3.region()).bucket(s3.bucket())
                .retry(new RetryPolicy(config.storeRetryAttempts(), config.storeRetryBackoff(),
                        config.storeRetryMaxBackoff()))
                .build();
        instance = config.instanceId().orElseGet(ServiceInstances::defaultId);
        Path cache = Files.createDirectories(Path.of(config.cacheDir()));
        RunnerSettings settings = new RunnerSettings("trainer", instance, cache.resolve("work"),
                config.heartbeatInterval(), config.leaseTimeout(), config.progressMinInterval(),
                config.cancelCheckInterval());
        runtime = JobRuntime.create(settings, bootstrapServers, store).shutdownGrace(config.shutdownGrace());
        runtime.startControlListener();
        TrainStage stage = new TrainStage(new BaseModels(store, cache),
                new InputImages(store, new ImageLimits(config.maxImageBytes(), config.maxImagePixels())));
        Counter received = Counter.builder("likeness_stage_messages")
                .description("Messages received on this service's job topics")
                .tag("stage", "train")
                .register(registry);
        RecordProcessor runner = runtime.stageRunner(stage);
        runtime.consume(Topics.STAGE_TRAIN, GROUP, (record, stop) -> {
            received.increment();
            return runner.process(record, stop);
        }, config.consumer());
        LOG.infof("trainer %s consuming %s", instance, Topics.STAGE_TRAIN);
    }

    void stop(@Observes ShutdownEvent event) {
        LOG.infof("trainer %s stopping", instance);
        if (runtime != null) {
            runtime.close();
        }
        if (store != null) {
            store.close();
        }
    }

    /** This instance's id (as recorded in job states). */
    public String instanceId() {
        return instance;
    }

    /** The consumer of the train topic (tests look at its rebalance count). */
    public JobConsumer consumer() {
        return runtime.consumers().get(0);
    }


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
                "the job consumer stopped", Map.of("instance", String.valueOf(instance)));
    }
}
