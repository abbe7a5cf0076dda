package dev.likeness.evaluator;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.kafka.Record;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Outgoing;

import java.time.Instant;

/**
 * SKELETON, to be replaced by the real evaluate-stage job logic: consumes {@code likeness.stage.evaluate} and, for each message,
 * publishes a {@code stage-started} event keyed like the message onto {@code likeness.events}. It proves the wiring
 * (consumer group, producer, metrics) end to end and does no work.
 */
@ApplicationScoped
public class EvaluateStageProcessor {

    static final String STAGE = "evaluate";

    private final String service;
    private final Counter received;

    @Inject
    public EvaluateStageProcessor(@ConfigProperty(name = "quarkus.application.name") String service, MeterRegistry registry) {
        this.service = service;
        this.received = Counter.builder("likeness_stage_messages")
                .description("Messages received on this service's stage topic")
                .tag("stage", STAGE)
                .register(registry);
    }

    /** Echoes the message key (the job id) as a {@code stage-started} event. */
    @Incoming("stage")
    @Outgoing("events")
    public Record<String, String> onStageMessage(ConsumerRecord<String, String> message) {
        received.increment();
        String event = new JsonObject()
                .put("type", "stage-started")
                .put("stage", STAGE)
                .put("jobId", message.key())
                .put("service", service)
                .put("at", Instant.now().toString())
                .encode();
        return Record.of(message.key(), event);
    }
}
