package dev.likeness.jobs.kafka;

import dev.likeness.contracts.MessageValidationException;
import dev.likeness.contracts.Messages;
import dev.likeness.contracts.Topics;
import dev.likeness.contracts.jobs.ControlMessage;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Reads {@code likeness.control} in a consumer group of its own ({@code <service>-control-<instance>}), so every
 * instance sees every control message. It starts at the end of the topic: cancels sent while the instance was down
 * are not replayed, which is why a cancel also leaves a marker in the object store (see
 * {@code JobStateStore#requestCancel}) that a stage checks before it starts.
 */
public final class ControlListener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControlListener.class);

    private final KafkaConsumer<String, String> consumer;
    private final Consumer<ControlMessage> handler;
    private final Thread loop;
    private final CountDownLatch assigned = new CountDownLatch(1);
    private volatile boolean stopping;

    /**
     * @param bootstrapServers Kafka
     * @param groupId          a group id unique to this instance
     * @param handler          called on the listener thread for each valid message (keep it quick)
     */
    public ControlListener(String bootstrapServers, String groupId, Consumer<ControlMessage> handler) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, groupId);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "true");
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        this.handler = handler;
        this.loop = new Thread(this::run, groupId);
        this.loop.setDaemon(true);
    }

    public void start() {
        loop.start();
    }

    /** Waits until the listener has its partitions (so a message sent afterwards is seen). */
    public boolean awaitAssignment(Duration timeout) throws InterruptedException {
        return assigned.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run() {
        try {
            consumer.subscribe(List.of(Topics.CONTROL), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    assigned.countDown();
                }
            });
            while (!stopping) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        handler.accept(Messages.parseControl(r.value()));
                    } catch (MessageValidationException e) {
                        LOG.warn("ignoring invalid control message {}@{}: {}", r.partition(), r.offset(),
                                e.getMessage());
                    } catch (RuntimeException e) {
                        LOG.error("control message {}@{} failed: {}", r.partition(), r.offset(), e.toString(), e);
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    @Override
    public void close() {
        stopping = true;
        consumer.wakeup();
        try {
            loop.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
