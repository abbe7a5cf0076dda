package dev.likeness.processtests;

import dev.likeness.contracts.Messages;
import dev.likeness.contracts.Topics;
import dev.likeness.contracts.events.EventType;
import dev.likeness.contracts.events.JobEvent;
import dev.likeness.contracts.events.Progress;
import dev.likeness.contracts.events.StageStarted;
import dev.likeness.contracts.jobs.PersonalizationJob;
import dev.likeness.contracts.jobs.Stage;
import dev.likeness.jobs.EventLog;
import dev.likeness.jobs.state.JobState;
import dev.likeness.jobs.state.JobStateStore;
import dev.likeness.jobs.state.JobStatus;
import dev.likeness.localstack.StackEndpoints;
import dev.likeness.objectstore.ObjectStore;
import dev.likeness.testkit.LocalStackExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scaling out: two trainer processes in the consumer group {@value #GROUP} split the partitions of
 * {@code likeness.stage.train}; one job per partition (job ids chosen so that their keys hash to every partition)
 * is trained exactly once, each by the instance that owns its partition, so both instances work.
 */
@ExtendWith(LocalStackExtension.class)
class TrainersSplitJobsIT {

    private static final String GROUP = "likeness-trainer";
    private static final int PARTITIONS = 4;
    private static final int STEPS = 4;
    private static final Duration WAIT = Duration.ofMinutes(2);

    @Test
    void twoTrainersInOneGroupSplitTheJobsByPartitionAndRunEachOnce(StackEndpoints stack) throws Exception {
        Path work = Files.createDirectories(Path.of("target/process-tests/split").toAbsolutePath());
        Map<String, TrainerProcess> trainers = new LinkedHashMap<>();
        try (ObjectStore store = TrainJobs.store(stack);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                     stack.kafkaBootstrapServers()))) {
            int partitions = ensurePartitions(admin, Topics.STAGE_TRAIN, PARTITIONS);
            TrainJobs jobs = new TrainJobs(stack, store);
            JobStateStore states = new JobStateStore(store);
            String model = jobs.model(work);
            for (String id : List.of("trainer-split-a", "trainer-split-b")) {
                trainers.put(id, TrainerProcess.start(stack, id, work));
            }
            for (TrainerProcess t : trainers.values()) {
                t.awaitReady(WAIT);
            }
            Map<Integer, String> owners = awaitSplit(admin, trainers.keySet(), partitions, WAIT);

            // one job per partition: both instances get work whatever the split
            Map<String, Integer> partitionOf = new LinkedHashMap<>();
            for (int p = 0; p < partitions; p++) {
                String id;
                do {
                    id = TrainJobs.newJobId();
                } while (TrainJobs.partitionOf(id, partitions) != p);
                PersonalizationJob job = jobs.loraJob(id, model, STEPS);
                assertThat(jobs.publish(job)).as("partition of " + id).isEqualTo(p);
                partitionOf.put(id, p);
            }
            for (String id : partitionOf.keySet()) {
                List<JobEvent> events = EventLog.untilTerminal(stack.kafkaBootstrapServers(), id, WAIT);
                assertThat(events).as("events of " + id + "\n" + tails(trainers)).isNotEmpty();
                assertThat(events.get(events.size() - 1).type()).as("last event of %s: %s\n%s", id, events,
                        tails(trainers)).isEqualTo(EventType.SUCCEEDED);
            }

            // every event of these jobs, including any a duplicate run would have sent after succeeded
            Map<String, List<JobEvent>> byJob = new HashMap<>();
            for (ConsumerRecord<String, String> r : EventLog.records(stack.kafkaBootstrapServers(), Topics.EVENTS,
                    Duration.ofSeconds(4), r -> false)) {
                if (partitionOf.containsKey(r.key())) {
                    byJob.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(Messages.parseEvent(r.value()));
                }
            }
            Map<String, List<String>> ranBy = new TreeMap<>();
            for (Map.Entry<String, Integer> e : partitionOf.entrySet()) {
                String id = e.getKey();
                List<JobEvent> events = byJob.get(id);
                assertThat(EventLog.types(events)).as("events of " + id).containsExactlyElementsOf(
                        expectedTypes());
                assertThat(events.get(0).dataAs(StageStarted.class)).isEqualTo(new StageStarted(Stage.TRAIN, 1));
                assertThat(events).filteredOn(ev -> ev.type() == EventType.PROGRESS)
                        .extracting(ev -> ev.dataAs(Progress.class).step())
                        .containsExactlyElementsOf(IntStream.rangeClosed(1, STEPS).boxed().toList());
                // one writer of the job's event sequence: 1, 2, 3, ... without gaps or repeats
                assertThat(events).extracting(JobEvent::sequence).containsExactlyElementsOf(
                        IntStream.rangeClosed(1, events.size()).mapToObj(Long::valueOf).toList());

                JobState state = states.read(id).orElseThrow();
                assertThat(state.status()).isEqualTo(JobStatus.SUCCEEDED);
                assertThat(state.attempt()).as("attempts of " + id).isEqualTo(1);
                assertThat(state.completedStage(Stage.TRAIN).attempt()).isEqualTo(1);
                assertThat(jobs.artifact(id)).as("artifact of " + id).isNotEmpty();

                // exactly one instance started and completed it: the one that owns its partition
                List<String> starters = new ArrayList<>();
                for (TrainerProcess t : trainers.values()) {
                    String log = t.logText();
                    int started = count(log, id + ": train started");
                    assertThat(count(log, id + ": train completed")).as(t.instanceId() + " completions of " + id)
                            .isEqualTo(started);
                    for (int i = 0; i < started; i++) {
                        starters.add(t.instanceId());
                    }
                }
                assertThat(starters).as("instances that ran " + id).containsExactly(owners.get(e.getValue()));
                ranBy.computeIfAbsent(starters.get(0), k -> new ArrayList<>()).add(id);
            }
            assertThat(ranBy.keySet()).as("instances that did work: %s", ranBy).isEqualTo(trainers.keySet());
            // nobody took partitions away from anyone while the jobs ran
            assertThat(assignment(admin)).isEqualTo(owners);
        } finally {
            for (TrainerProcess t : trainers.values()) {
                t.close();
            }
        }
    }

    private static List<EventType> expectedTypes() {
        List<EventType> types = new ArrayList<>();
        types.add(EventType.STAGE_STARTED);
        for (int i = 0; i < STEPS; i++) {
            types.add(EventType.PROGRESS);
        }
        types.add(EventType.STAGE_COMPLETED);
        types.add(EventType.SUCCEEDED);
        return types;
    }

    /** Creates {@code topic} with {@code wanted} partitions, or adds partitions when it has fewer than two. */
    private static int ensurePartitions(Admin admin, String topic, int wanted) throws Exception {
        Set<String> topics = admin.listTopics().names().get();
        if (!topics.contains(topic)) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(wanted), Optional.empty()))).all().get();
        } else {
            int have = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
            if (have < 2) {
                admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(wanted))).all().get();
            }
        }
        int now = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
        assertThat(now).as("partitions of " + topic).isGreaterThanOrEqualTo(2);
        return now;
    }

    /**
     * Waits until the group is stable with exactly {@code instances} as members, each owning at least one partition
     * and all {@code partitions} assigned; returns partition → instance.
     */
    private static Map<Integer, String> awaitSplit(Admin admin, Set<String> instances, int partitions,
                                                   Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<Integer, String> owners = Map.of();
        while (System.nanoTime() < deadline) {
            owners = assignment(admin);
            if (owners.size() == partitions && Set.copyOf(owners.values()).equals(instances)) {
                return owners;
            }
            Thread.sleep(300);
        }
        throw new AssertionError("the trainers never split " + partitions + " partitions: " + owners);
    }

    /** Partition of the train topic → instance id of its owner, read from the group's members' client ids. */
    private static Map<Integer, String> assignment(Admin admin) throws Exception {
        ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(GROUP)).all().get().get(GROUP);
        Map<Integer, String> owners = new TreeMap<>();
        if (group.groupState() != GroupState.STABLE) {
            return owners;
        }
        // client id: likeness-trainer-<instance>-<topic> (JobRuntime#consume)
        Pattern client = Pattern.compile("likeness-trainer-(.+)-" + Pattern.quote(Topics.STAGE_TRAIN));
        for (MemberDescription m : group.members()) {
            Matcher match = client.matcher(m.clientId());
            String instance = match.matches() ? match.group(1) : m.clientId();
            for (TopicPartition tp : m.assignment().topicPartitions()) {
                if (tp.topic().equals(Topics.STAGE_TRAIN)) {
                    owners.put(tp.partition(), instance);
                }
            }
        }
        return owners;
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }

    private static String tails(Map<String, TrainerProcess> trainers) {
        StringBuilder sb = new StringBuilder();
        trainers.values().forEach(t -> sb.append("--- ").append(t.instanceId()).append('\n').append(t.tail())
                .append('\n'));
        return sb.toString();
    }
}
