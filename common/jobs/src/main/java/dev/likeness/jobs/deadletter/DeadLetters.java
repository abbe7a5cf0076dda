package dev.likeness.jobs.deadletter;

import dev.likeness.contracts.Topics;
import dev.likeness.contracts.events.ErrorCode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Forwards messages that cannot be processed at all to {@code likeness.deadletter}: same key and value, and the
 * reason, error code and origin in headers ({@value #REASON}, {@value #CODE}, {@value #TOPIC}, {@value #PARTITION},
 * {@value #OFFSET}, {@value #SERVICE}).
 */
public final class DeadLetters {

    public static final String REASON = "likeness.deadletter.reason";
    public static final String CODE = "likeness.deadletter.code";
    public static final String TOPIC = "likeness.deadletter.topic";
    public static final String PARTITION = "likeness.deadletter.partition";
    public static final String OFFSET = "likeness.deadletter.offset";
    public static final String SERVICE = "likeness.deadletter.service";

    private static final int MAX_REASON_CHARS = 4000;

    private final Producer<String, String> producer;
    private final String service;

    /**
     * @param producer string producer, owned by the caller
     * @param service  name recorded in the {@value #SERVICE} header
     */
    public DeadLetters(Producer<String, String> producer, String service) {
        this.producer = producer;
        this.service = service;
    }

    /** Forwards {@code record} with its reason and waits for the acknowledgement. */
    public void send(ConsumerRecord<String, String> record, ErrorCode code, String reason) {
        RecordHeaders headers = new RecordHeaders();
        String r = reason == null ? "(no reason)" : reason;
        if (r.length() > MAX_REASON_CHARS) {
            r = r.substring(0, MAX_REASON_CHARS) + "…";
        }
        headers.add(REASON, bytes(r));
        headers.add(CODE, bytes(code.name()));
        headers.add(TOPIC, bytes(record.topic()));
        headers.add(PARTITION, bytes(Integer.toString(record.partition())));
        headers.add(OFFSET, bytes(Long.toString(record.offset())));
        headers.add(SERVICE, bytes(service));
        try {
            producer.send(new ProducerRecord<>(Topics.DEADLETTER, null, record.key(), record.value(), headers))
                    .get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while dead-lettering " + where(record), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot dead-letter " + where(record) + ": " + e, e);
        }
    }

    private static String where(ConsumerRecord<?, ?> r) {
        return r.topic() + "-" + r.partition() + "@" + r.offset();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
