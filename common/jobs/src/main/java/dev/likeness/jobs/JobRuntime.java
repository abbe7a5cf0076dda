package dev.likeness.jobs;

import dev.likeness.jobs.deadletter.DeadLetters;
import dev.likeness.jobs.events.EventPublisher;
import dev.likeness.jobs.kafka.ControlListener;
import dev.likeness.jobs.kafka.JobConsumer;
import dev.likeness.jobs.kafka.RecordProcessor;
import dev.likeness.jobs.stage.Cancellations;
import dev.likeness.jobs.stage.JobIntake;
import dev.likeness.jobs.stage.JobValidator;
import dev.likeness.jobs.stage.RunnerSettings;
import dev.likeness.jobs.stage.StageHandler;
import dev.likeness.jobs.stage.StageRunner;
import dev.likeness.jobs.state.JobStateStore;
import dev.likeness.objectstore.ObjectStore;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The job runtime of one service instance, wired in one place: job state in the object store, event publishing,
 * dead letters, cancellation via {@code likeness.control}, and stage consumers. A service builds one at startup,
 * starts consumers for its topics, and closes it at shutdown (which lets a running stage checkpoint first).
 *
 * <pre>{@code
 * JobRuntime runtime = JobRuntime.create(RunnerSettings.defaults("trainer", instanceId, workDir),
 *         kafkaBootstrap, objectStore);
 * runtime.startControlListener();
 * runtime.consume(Topics.STAGE_TRAIN, "likeness-trainer", runtime.stageRunner(new TrainHandler(...)), Map.of());
 * ...
 * runtime.close(); // stops consumers (running stage gets the stop signal), control listener, producer
 * }</pre>
 */
public final class JobRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JobRuntime.class);

    private final RunnerSettings settings;
    private final String bootstrapServers;
    private final Producer<String, String> producer;
    private final JobStateStore states;
    private final EventPublisher events;
    private final DeadLetters deadLetters;
    private final Cancellations cancellations;
    private final List<JobConsumer> consumers = new ArrayList<>();
    private ControlListener control;
    private Duration shutdownGrace = Duration.ofSeconds(30);

    private JobRuntime(RunnerSettings settings, String bootstrapServers, ObjectStore store) {
        this.settings = settings;
        this.bootstrapServers = bootstrapServers;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "likeness-" + settings.service() + "-" + settings.instanceId());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        this.states = new JobStateStore(store);
        this.events = new EventPublisher(producer, settings.source(), states);
        this.deadLetters = new DeadLetters(producer, "likeness-" + settings.service());
        this.cancellations = new Cancellations(states);
    }

    /** A runtime for one service instance; nothing is consumed until {@link #consume} is called. */
    public static JobRuntime create(RunnerSettings settings, String bootstrapServers, ObjectStore store) {
        return new JobRuntime(settings, bootstrapServers, store);
    }

    public RunnerSettings settings() {
        return settings;
    }

    public JobStateStore states() {
        return states;
    }

    public EventPublisher events() {
        return events;
    }

    public DeadLetters deadLetters() {
        return deadLetters;
    }

    public Cancellations cancellations() {
        return cancellations;
    }

    /** How long {@link #close} lets a running stage checkpoint before leaving anyway (default 30 s). */
    public JobRuntime shutdownGrace(Duration grace) {
        this.shutdownGrace = grace;
        return this;
    }

    /** A runner for {@code handler} with this runtime's state, events, dead letters and cancellations. */
    public StageRunner stageRunner(StageHandler handler) {
        return new StageRunner(handler, settings, states, events, deadLetters, cancellations);
    }

    /** The intake for {@code likeness.jobs}. */
    public JobIntake intake(JobValidator validator) {
        return new JobIntake(states, events, deadLetters, validator);
    }

    /** Reads {@code likeness.control} in a group of this instance's own and starts it. */
    public synchronized ControlListener startControlListener() {
        if (control == null) {
            control = new ControlListener(bootstrapServers, "likeness-" + settings.service() + "-control-"
                    + settings.instanceId(), cancellations::onControl);
            control.start();
        }
        return control;
    }

    /**
     * Starts consuming {@code topic} in group {@code groupId} with {@code processor}.
     *
     * @param consumerProperties extra Kafka consumer properties (e.g. {@code max.poll.interval.ms})
     */
    public synchronized JobConsumer consume(String topic, String groupId, RecordProcessor processor,
                                            Map<String, ?> consumerProperties) {
        JobConsumer c = JobConsumer.builder()
                .bootstrapServers(bootstrapServers)
                .groupId(groupId)
                .clientId("likeness-" + settings.service() + "-" + settings.instanceId() + "-" + topic)
                .topic(topic)
                .processor(processor)
                .properties(new HashMap<>(consumerProperties))
                .build();
        consumers.add(c);
        c.start();
        return c;
    }

    /** The consumers started so far. */
    public synchronized List<JobConsumer> consumers() {
        return List.copyOf(consumers);
    }

    /** Stops the consumers (a running stage gets the stop signal and the grace period), then the rest. */
    @Override
    public synchronized void close() {
        for (JobConsumer c : consumers) {
            try {
                c.stop(shutdownGrace);
            } catch (RuntimeException e) {
                LOG.warn("stopping a consumer failed: {}", e.toString());
            }
        }
        consumers.clear();
        if (control != null) {
            control.close();
            control = null;
        }
        producer.close(Duration.ofSeconds(10));
    }
}
