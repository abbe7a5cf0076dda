package dev.likeness.jobs.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Consumes one topic one record at a time, running each on a worker thread while the polling thread keeps polling
 * with every partition paused. A job may therefore run far longer than {@code max.poll.interval.ms} without the
 * group rebalancing it away. The offset is committed only after the processor returns {@link Disposition#DONE};
 * a record whose processing is abandoned (shutdown, crash) is delivered again, to this or another instance.
 *
 * <pre>{@code
 * JobConsumer c = JobConsumer.builder().bootstrapServers(bootstrap).groupId("likeness-trainer")
 *         .topic(Topics.STAGE_TRAIN).processor(runner).build();
 * c.start();
 * ...
 * c.stop(Duration.ofSeconds(30)); // asks the running job to checkpoint and give up, then leaves the group
 * }</pre>
 */
public final class JobConsumer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JobConsumer.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final KafkaConsumer<String, String> consumer;
    private final String topic;
    private final RecordProcessor processor;
    private final Duration retryBackoff;
    private final ExecutorService worker;
    private final Thread loop;
    private final StopSignal stop = new StopSignal();
    private final ArrayDeque<ConsumerRecord<String, String>> queue = new ArrayDeque<>();
    private final Map<TopicPartition, Long> backoffUntil = new HashMap<>();
    private final AtomicInteger rebalances = new AtomicInteger();
    private final AtomicLong done = new AtomicLong();
    private volatile Set<TopicPartition> assigned = Set.of();
    private volatile boolean stopping;
    private volatile long stopDeadlineNanos;
    private volatile Throwable loopFailure;
    private InFlight inFlight;

    private record InFlight(ConsumerRecord<String, String> record, Future<Disposition> result) {
    }

    private JobConsumer(Builder b) {
        this.topic = b.topic;
        this.processor = b.processor;
        this.retryBackoff = b.retryBackoff;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, b.groupId);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, b.clientId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // one record at a time: the next one is fetched only after this one is done
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1");
        // cooperative: a joining instance takes partitions without revoking those that stay
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        p.putAll(b.overrides);
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, b.clientId + "-worker");
            t.setDaemon(true);
            return t;
        });
        this.loop = new Thread(this::run, b.clientId + "-poll");
        this.loop.setDaemon(true);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts polling on its own thread. */
    public void start() {
        loop.start();
    }

    /** Partitions assigned to this consumer right now. */
    public Set<TopicPartition> assignment() {
        return assigned;
    }

    /** How many times partitions were revoked or lost (a job rebalanced away shows up here). */
    public int rebalanceCount() {
        return rebalances.get();
    }

    /** Records processed to {@link Disposition#DONE}. */
    public long doneCount() {
        return done.get();
    }

    /** Whether the polling thread is alive (false after {@link #stop} or a fatal error). */
    public boolean isRunning() {
        return loop.isAlive();
    }

    /** What stopped the polling thread unexpectedly, or {@code null}. */
    public Throwable failure() {
        return loopFailure;
    }

    /**
     * Stops consuming: the running record (if any) is told to stop ({@link StopSignal}) and given {@code grace} to
     * return; its offset is not committed unless it returns {@link Disposition#DONE}. Then the consumer leaves the
     * group. Blocks until done.
     */
    public void stop(Duration grace) {
        stopDeadlineNanos = System.nanoTime() + grace.toNanos();
        stopping = true;
        stop.set();
        try {
            loop.join(grace.plusSeconds(15).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        worker.shutdownNow();
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(30));
    }

    // ---- polling thread -------------------------------------------------------------------------

    private void run() {
        try {
            consumer.subscribe(List.of(topic), new Rebalance());
            while (!(stopping && (inFlight == null || System.nanoTime() > stopDeadlineNanos))) {
                ConsumerRecords<String, String> records = consumer.poll(POLL);
                records.forEach(queue::add);
                if (inFlight == null && !queue.isEmpty() && !stopping) {
                    begin(queue.poll());
                }
                if (inFlight != null && inFlight.result().isDone()) {
                    finish();
                }
                resumeDue();
            }
            if (inFlight != null) {
                LOG.warn("{}: stopping with {} still running after the grace period; it stays uncommitted", topic,
                        describe(inFlight.record()));
            }
        } catch (WakeupException e) {
            // stop requested
        } catch (Throwable t) {
            loopFailure = t;
            LOG.error("{}: consumer loop failed", topic, t);
        } finally {
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.warn("{}: closing the consumer failed: {}", topic, e.toString());
            }
        }
    }

    private void begin(ConsumerRecord<String, String> record) {
        consumer.pause(consumer.assignment());
        inFlight = new InFlight(record, worker.submit(() -> processor.process(record, stop)));
    }

    private void finish() {
        ConsumerRecord<String, String> r = inFlight.record();
        Disposition d;
        try {
            d = inFlight.result().get();
        } catch (ExecutionException e) {
            LOG.error("{}: processing {} failed unexpectedly; retrying later", topic, describe(r), e.getCause());
            d = Disposition.RETRY_LATER;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            d = Disposition.ABANDONED;
        }
        inFlight = null;
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        boolean owned = consumer.assignment().contains(tp);
        switch (Objects.requireNonNull(d, "processor returned no disposition")) {
            case DONE -> {
                done.incrementAndGet();
                if (owned) {
                    try {
                        consumer.commitSync(Map.of(tp, new OffsetAndMetadata(r.offset() + 1)));
                        consumer.seek(tp, r.offset() + 1);
                    } catch (KafkaException e) {
                        // the partition moved meanwhile: its new owner sees the job state and skips the work
                        LOG.warn("{}: cannot commit {}: {}", topic, describe(r), e.toString());
                    }
                }
            }
            case RETRY_LATER -> {
                if (owned) {
                    consumer.seek(tp, r.offset());
                    backoffUntil.put(tp, System.nanoTime() + retryBackoff.toNanos());
                }
            }
            case ABANDONED -> {
                if (owned) {
                    consumer.seek(tp, r.offset());
                }
            }
        }
        if (!stopping) {
            Set<TopicPartition> resume = new HashSet<>(consumer.assignment());
            resume.removeAll(backoffUntil.keySet());
            consumer.resume(resume);
        }
    }

    private void resumeDue() {
        if (inFlight != null || backoffUntil.isEmpty() || stopping) {
            return;
        }
        long now = System.nanoTime();
        Set<TopicPartition> due = new HashSet<>();
        backoffUntil.entrySet().removeIf(e -> {
            if (now - e.getValue() >= 0) {
                due.add(e.getKey());
                return true;
            }
            return false;
        });
        due.retainAll(consumer.assignment());
        if (!due.isEmpty()) {
            consumer.resume(due);
        }
    }

    private static String describe(ConsumerRecord<String, String> r) {
        return r.topic() + "-" + r.partition() + "@" + r.offset() + " (key " + r.key() + ")";
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                rebalances.incrementAndGet();
                LOG.info("{}: partitions revoked {}", topic, partitions);
            }
            backoffUntil.keySet().removeAll(partitions);
            assigned = Set.copyOf(consumer.assignment());
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            onPartitionsRevoked(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (inFlight != null || stopping) {
                consumer.pause(partitions);
            }
            assigned = Set.copyOf(consumer.assignment());
            LOG.info("{}: assigned {}", topic, assigned);
        }
    }

    /** Options of a {@link JobConsumer}. */
    public static final class Builder {
        private String bootstrapServers;
        private String groupId;
        private String clientId = "likeness-consumer";
        private String topic;
        private RecordProcessor processor;
        private Duration retryBackoff = Duration.ofSeconds(2);
        private final Map<String, Object> overrides = new HashMap<>();

        private Builder() {
        }

        public Builder bootstrapServers(String v) { bootstrapServers = v; return this; }
        /** Consumer group: instances of one service share it and split the partitions. */
        public Builder groupId(String v) { groupId = v; return this; }
        public Builder clientId(String v) { clientId = v; return this; }
        public Builder topic(String v) { topic = v; return this; }
        public Builder processor(RecordProcessor v) { processor = v; return this; }
        /** Wait before a {@link Disposition#RETRY_LATER} record is delivered again (default 2 s). */
        public Builder retryBackoff(Duration v) { retryBackoff = v; return this; }
        /** Extra consumer properties (e.g. {@code max.poll.interval.ms}, {@code session.timeout.ms}). */
        public Builder property(String key, Object value) { overrides.put(key, value); return this; }
        public Builder properties(Map<String, ?> v) { overrides.putAll(v); return this; }

        public JobConsumer build() {
            require(bootstrapServers, "bootstrapServers");
            require(groupId, "groupId");
            require(topic, "topic");
            if (processor == null) {
                throw new IllegalStateException("JobConsumer needs a processor");
            }
            return new JobConsumer(this);
        }

        private static void require(String v, String what) {
            if (v == null || v.isBlank()) {
                throw new IllegalStateException("JobConsumer needs " + what);
            }
        }
    }
}
