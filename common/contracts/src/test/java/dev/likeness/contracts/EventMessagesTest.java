package dev.likeness.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.likeness.contracts.events.Accepted;
import dev.likeness.contracts.events.Cancelled;
import dev.likeness.contracts.events.ErrorCode;
import dev.likeness.contracts.events.EventData;
import dev.likeness.contracts.events.EventType;
import dev.likeness.contracts.events.Failed;
import dev.likeness.contracts.events.JobEvent;
import dev.likeness.contracts.events.Progress;
import dev.likeness.contracts.events.RenderCompleted;
import dev.likeness.contracts.events.RenderFailed;
import dev.likeness.contracts.events.StageCompleted;
import dev.likeness.contracts.events.StageStarted;
import dev.likeness.contracts.events.Succeeded;
import dev.likeness.contracts.jobs.Method;
import dev.likeness.contracts.jobs.Stage;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EventMessagesTest {

    /** One valid payload of every event type. */
    static Stream<EventData> payloads() {
        return Stream.of(
                new Accepted(Method.SVDIFF, List.of(Stage.PRIOR, Stage.TRAIN, Stage.EVALUATE)),
                new StageStarted(Stage.TRAIN, 1),
                new Progress(Stage.TRAIN, 120, 500, 0.1234, 1e-3, 2.5, 152.0),
                new StageCompleted(Stage.PRIOR, Map.of("classImages", "s3://likeness/cache/class-images/ab12/")),
                new Succeeded(Map.of("svdiff", "s3://likeness/jobs/j1/artifacts/svdiff.safetensors"),
                        Map.of("svdiff", "http://127.0.0.1:9000/likeness/jobs/j1/artifacts/svdiff.safetensors?X=1"),
                        Map.of("dino", 0.61, "clip-i", 0.79, "clip-t", 0.30), "s3://likeness/jobs/j1/report/report.json"),
                new Failed(ErrorCode.NAN_LOSS, "loss became NaN at step 17", Stage.TRAIN),
                new Cancelled("user asked", Stage.TRAIN),
                new RenderCompleted(List.of("s3://likeness/renders/r1/0-0.png"),
                        List.of("https://store.example/likeness/renders/r1/0-0.png?sig=1"), 3.2),
                new RenderFailed(ErrorCode.MODEL_INVALID, "missing unet/config.json"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("payloads")
    void everyEventTypeRoundTrips(EventData data) {
        JobEvent event = JobEvent.of("/likeness/trainer", "j1", 7, data);
        String json = Messages.toJson(event);
        JobEvent back = Messages.parseEvent(json);

        assertThat(back).isEqualTo(event);
        assertThat(back.type()).isEqualTo(EventType.of(data));
        assertThat(back.dataAs(data.getClass())).isEqualTo(data);
        assertThat(json).startsWith("{\"specversion\":\"1.0\",\"id\":\"" + event.id() + "\"")
                .contains("\"type\":\"" + event.type().wire() + "\"", "\"datacontenttype\":\"application/json\"");
    }

    @Test
    void failedEventLooksLikeACloudEvent() {
        JobEvent event = JobEvent.of("/likeness/trainer", "j1", 3,
                new Failed(ErrorCode.MISSING_IMAGE, "s3://likeness/jobs/j1/inputs/a.png does not exist", null));
        String json = Messages.toJson(event);
        assertThat(json).contains("\"type\":\"dev.likeness.job.failed\"", "\"subject\":\"j1\"", "\"sequence\":3",
                "\"data\":{\"code\":\"MISSING_IMAGE\",\"message\":");
        assertThat(json).doesNotContain("\"stage\"");
    }

    private static String progressEvent() {
        return Messages.toJson(JobEvent.of("/likeness/trainer", "j1", 1,
                new Progress(Stage.TRAIN, 1, 10, 0.5, 1e-3, 1.0, 9.0)));
    }

    @Test
    void unknownTypeIsRejected() {
        String json = Fixtures.edit(progressEvent(), "type", "\"dev.likeness.job.exploded\"");
        assertThatThrownBy(() -> Messages.parseEvent(json))
                .isInstanceOfSatisfying(MessageValidationException.class, e -> {
                    assertThat(e.path()).isEqualTo("$.type");
                    assertThat(e.getMessage()).contains("dev.likeness.job.progress");
                });
    }

    @Test
    void payloadFieldsAreCheckedUnderData() {
        String unknown = Fixtures.edit(progressEvent(), "data.speed", "3");
        assertThatThrownBy(() -> Messages.parseEvent(unknown))
                .isInstanceOfSatisfying(MessageValidationException.class,
                        e -> assertThat(e.path()).isEqualTo("$.data.speed"));
        String beyond = Fixtures.edit(progressEvent(), "data.step", "11");
        assertThatThrownBy(() -> Messages.parseEvent(beyond))
                .isInstanceOfSatisfying(MessageValidationException.class,
                        e -> assertThat(e.path()).isEqualTo("$.data.step"));
        String badCode = Fixtures.edit(Messages.toJson(JobEvent.of("s", "j1", 1,
                new Failed(ErrorCode.INTERNAL, "x", null))), "data.code", "\"OOPS\"");
        assertThatThrownBy(() -> Messages.parseEvent(badCode))
                .isInstanceOfSatisfying(MessageValidationException.class, e -> {
                    assertThat(e.path()).isEqualTo("$.data.code");
                    assertThat(e.getMessage()).contains("NAN_LOSS");
                });
        String noData = Fixtures.edit(progressEvent(), "data", Fixtures.REMOVE);
        assertThatThrownBy(() -> Messages.parseEvent(noData))
                .isInstanceOfSatisfying(MessageValidationException.class,
                        e -> assertThat(e.path()).isEqualTo("$.data"));
        String wrongSpec = Fixtures.edit(progressEvent(), "specversion", "\"0.3\"");
        assertThatThrownBy(() -> Messages.parseEvent(wrongSpec))
                .isInstanceOfSatisfying(MessageValidationException.class,
                        e -> assertThat(e.path()).isEqualTo("$.specversion"));
    }

    @Test
    void nonFiniteLossCannotBePublished() {
        JobEvent event = JobEvent.of("/likeness/trainer", "j1", 1,
                new Progress(Stage.TRAIN, 1, 10, Double.NaN, 1e-3, 1.0, 9.0));
        assertThatThrownBy(() -> Messages.toJson(event))
                .isInstanceOfSatisfying(MessageValidationException.class,
                        e -> assertThat(e.path()).isEqualTo("$.data.loss"));
    }

    @Test
    void typeMustMatchPayload() {
        JobEvent event = JobEvent.of("s", "j1", 1, new StageStarted(Stage.TRAIN, 1));
        JobEvent lying = new JobEvent(event.specversion(), event.id(), event.source(), EventType.SUCCEEDED,
                event.subject(), event.time(), event.sequence(), event.datacontenttype(), event.data());
        assertThatThrownBy(() -> Messages.toJson(lying))
                .isInstanceOfSatisfying(MessageValidationException.class,
                        e -> assertThat(e.path()).isEqualTo("$.data"));
        assertThatThrownBy(() -> event.dataAs(Failed.class)).hasMessageContaining("StageStarted");
    }

    @Test
    void presignedDownloadsMustBeHttp() {
        JobEvent event = JobEvent.of("s", "j1", 1, new Succeeded(Map.of(), Map.of("svdiff", "s3://likeness/x"),
                Map.of(), null));
        assertThatThrownBy(() -> Messages.toJson(event))
                .isInstanceOfSatisfying(MessageValidationException.class,
                        e -> assertThat(e.path()).isEqualTo("$.data.downloads.svdiff"));
    }
}
