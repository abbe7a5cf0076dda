package dev.likeness.jobs.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Handles one record for a {@link JobConsumer}, on the consumer's worker thread (never the polling thread). */
@FunctionalInterface
public interface RecordProcessor {

    /**
     * @param record the record (string key = job id, string value = JSON)
     * @param stop   set when the instance shuts down: checkpoint, then return {@link Disposition#ABANDONED}
     * @return what to do with the record's offset
     */
    Disposition process(ConsumerRecord<String, String> record, StopSignal stop);
}
