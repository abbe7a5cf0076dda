package dev.likeness.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.likeness.contracts.events.EventData;
import dev.likeness.contracts.events.JobEvent;
import dev.likeness.contracts.jobs.ControlMessage;
import dev.likeness.contracts.jobs.Method;
import dev.likeness.contracts.jobs.PersonalizationJob;
import dev.likeness.contracts.jobs.Stage;
import dev.likeness.contracts.jobs.StageRequest;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The published JSON Schemas accept what the codec writes and reject what it rejects. */
class SchemaAgreementTest {

    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            b -> b.schemaMappers(m -> m.mapPrefix("https://likeness.dev/schema/", "classpath:schema/")));

    private static JsonSchema schema(String file) {
        return FACTORY.getSchema(SchemaLocation.of("https://likeness.dev/schema/" + file));
    }

    private static final JsonSchema JOB = schema("job.v1.json");
    private static final JsonSchema STAGE = schema("stage.v1.json");
    private static final JsonSchema EVENT = schema("event.v1.json");
    private static final JsonSchema RENDER = schema("render.v1.json");
    private static final JsonSchema CONTROL = schema("control.v1.json");

    private static Set<ValidationMessage> check(JsonSchema schema, String json) throws IOException {
        JsonNode node = Fixtures.JSON.readTree(json);
        return schema.validate(node);
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"job.v1.json", "stage.v1.json", "event.v1.json",
            "render.v1.json", "control.v1.json"})
    void schemasAreValidDraft202012(String file) throws IOException {
        JsonSchema meta = FACTORY.getSchema(SchemaLocation.of(com.networknt.schema.SchemaId.V202012));
        try (var in = SchemaAgreementTest.class.getResourceAsStream("/schema/" + file)) {
            JsonNode schema = Fixtures.JSON.readTree(in);
            assertThat(meta.validate(schema)).isEmpty();
            assertThat(schema.get("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
            // a broken schema would fail here: the meta-schema is really applied
            assertThat(meta.validate(Fixtures.JSON.readTree("{\"type\": 12}"))).isNotEmpty();
        }
    }

    @Test
    void exampleJobAndItsCodecOutputAreAccepted() throws IOException {
        assertThat(check(JOB, Fixtures.svdiffJob())).isEmpty();
        assertThat(check(JOB, Messages.toJson(Messages.parseJob(Fixtures.svdiffJob())))).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Method.class)
    void normalizedJobOfEveryMethodIsAccepted(Method method) throws IOException {
        PersonalizationJob job = PersonalizationJob.of("j-" + method.wire(), method, "s3://likeness/models/m/",
                List.of("s3://likeness/jobs/j/inputs/0.png"), "teapot");
        String json = Messages.toJson(job);
        assertThat(check(JOB, json)).isEmpty();
        String stage = Messages.toJson(StageRequest.of(Messages.parseJob(json), Stage.TRAIN, 2,
                Map.of("classImages", "s3://likeness/cache/class-images/d/")));
        assertThat(check(STAGE, stage)).isEmpty();
        // the nested job is checked through the cross-file reference
        assertThat(check(STAGE, Fixtures.edit(stage, "job.hyperParameters.steps", "0"))).isNotEmpty();
    }

    static Stream<BadJobs.Case> schemaCheckableBadJobs() {
        return BadJobs.all().stream().filter(BadJobs.Case::schemaRejects);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schemaCheckableBadJobs")
    void schemaRejectsWhatTheCodecRejects(BadJobs.Case bad) throws IOException {
        assertThat(check(JOB, bad.json())).as(bad.name()).isNotEmpty();
    }

    @Test
    void everyBadCaseTheSchemaCannotExpressIsAtLeastValidJson() {
        // documents the limits: these need the codec (syntax or cross-field rules)
        assertThat(BadJobs.all().stream().filter(c -> !c.schemaRejects()).map(BadJobs.Case::name))
                .containsExactlyInAnyOrder("not JSON", "empty", "trailing garbage", "duplicate key",
                        "stages out of order", "warmup longer than training", "seeds do not match images per prompt",
                        "prompt without identifier", "prior stage without prior preservation",
                        "fewer captions than images", "caption without identifier",
                        "text-encoder learning rate for a frozen text encoder");
    }

    static Stream<EventData> payloads() {
        return EventMessagesTest.payloads();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("payloads")
    void everyEventIsAccepted(EventData data) throws IOException {
        assertThat(check(EVENT, Messages.toJson(JobEvent.of("/likeness/trainer", "j1", 1, data)))).isEmpty();
    }

    @Test
    void eventSchemaRejectsWrongPayloadForType() throws IOException {
        String progress = Messages.toJson(JobEvent.of("s", "j1", 1,
                new dev.likeness.contracts.events.Progress(Stage.TRAIN, 1, 10, 0.5, null, null, null)));
        assertThat(check(EVENT, progress)).isEmpty();
        assertThat(check(EVENT, Fixtures.edit(progress, "type", "\"dev.likeness.job.failed\""))).isNotEmpty();
        assertThat(check(EVENT, Fixtures.edit(progress, "data.speed", "1"))).isNotEmpty();
        assertThat(check(EVENT, Fixtures.edit(progress, "subject", "\"a/b\""))).isNotEmpty();
        assertThat(check(EVENT, Fixtures.edit(progress, "type", "\"dev.likeness.job.exploded\""))).isNotEmpty();
    }

    @Test
    void renderAndControlAgree() throws IOException {
        String render = Messages.toJson(RenderAndControlMessagesTest.sampleRender());
        assertThat(check(RENDER, render)).isEmpty();
        for (String[] edit : List.of(new String[] {"width", "500"}, new String[] {"prompts", "[]"},
                new String[] {"artifacts.0.kind", "\"hypernetwork\""}, new String[] {"model", "\"s3://likeness/m\""},
                new String[] {"color", "1"})) {
            String bad = Fixtures.edit(render, edit[0], edit[1]);
            assertThat(check(RENDER, bad)).as(edit[0]).isNotEmpty();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Messages.parseRenderRequest(bad))
                    .as(edit[0]).isInstanceOf(MessageValidationException.class);
        }
        String control = Messages.toJson(ControlMessage.cancel("j1", "because"));
        assertThat(check(CONTROL, control)).isEmpty();
        assertThat(check(CONTROL, Fixtures.edit(control, "action", "\"pause\""))).isNotEmpty();
        assertThat(check(CONTROL, Fixtures.edit(control, "jobId", Fixtures.REMOVE))).isNotEmpty();
    }
}
