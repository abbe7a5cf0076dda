package dev.likeness.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.likeness.contracts.events.ErrorCode;
import dev.likeness.contracts.jobs.ControlAction;
import dev.likeness.contracts.jobs.ControlMessage;
import dev.likeness.contracts.jobs.SchedulerName;
import dev.likeness.contracts.render.ArtifactKind;
import dev.likeness.contracts.render.ArtifactRef;
import dev.likeness.contracts.render.RenderRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

class RenderAndControlMessagesTest {

    static RenderRequest sampleRender() {
        return RenderRequest.of("render-1", "s3://likeness/models/sd-1-5/", List.of("a sks dog on the moon"),
                List.of(ArtifactRef.of(ArtifactKind.SVDIFF, "s3://likeness/jobs/j1/artifacts/svdiff.safetensors"),
                        new ArtifactRef(ArtifactKind.LORA, "s3://likeness/jobs/j2/artifacts/lora.safetensors", 0.7)));
    }

    @Test
    void renderRequestGetsDefaultsAndRoundTrips() {
        RenderRequest full = Messages.normalize(sampleRender());
        assertThat(full.negativePrompt()).isEmpty();
        assertThat(full.seeds()).containsExactly(0L);
        assertThat(full.steps()).isEqualTo(50);
        assertThat(full.scheduler()).isEqualTo(SchedulerName.DDIM);
        assertThat(full.guidance()).isEqualTo(7.5);
        assertThat(full.width()).isEqualTo(512);
        assertThat(full.height()).isEqualTo(512);

        String json = Messages.toJson(sampleRender());
        assertThat(Messages.parseRenderRequest(json)).isEqualTo(full);
        assertThat(json).startsWith("{\"schema\":\"likeness.render/v1\",\"requestId\":\"render-1\"");
    }

    @Test
    void artifactWeightDefaultsToOne() {
        String json = """
                {"schema": "likeness.render/v1", "requestId": "r", "model": "s3://likeness/models/m/",
                 "prompts": ["x"], "artifacts": [{"kind": "textual-inversion", "uri": "s3://likeness/a/ti.safetensors"}]}
                """;
        assertThat(Messages.parseRenderRequest(json).artifacts().get(0).weight()).isEqualTo(1.0);
    }

    @Test
    void badRenderRequestsNameTheField() {
        String json = Messages.toJson(sampleRender());
        expect(Fixtures.edit(json, "width", "500"), "$.width", ErrorCode.INVALID_PARAMETER);
        expect(Fixtures.edit(json, "artifacts.1.kind", "\"hypernetwork\""), "$.artifacts[1].kind",
                ErrorCode.INVALID_PARAMETER);
        expect(Fixtures.edit(json, "artifacts.0.uri", "\"https://x/y\""), "$.artifacts[0].uri",
                ErrorCode.INVALID_PARAMETER);
        expect(Fixtures.edit(json, "prompts", "[]"), "$.prompts", ErrorCode.INVALID_PARAMETER);
        expect(Fixtures.edit(json, "seeds", "[\"one\"]"), "$.seeds[0]", ErrorCode.MALFORMED_MESSAGE);
        expect(Fixtures.edit(json, "requestId", "\"../x\""), "$.requestId", ErrorCode.INVALID_PARAMETER);
        expect(Fixtures.edit(json, "model", "\"s3://likeness/models/m\""), "$.model", ErrorCode.INVALID_PARAMETER);
    }

    private static void expect(String json, String path, ErrorCode code) {
        assertThatThrownBy(() -> Messages.parseRenderRequest(json))
                .isInstanceOfSatisfying(MessageValidationException.class, e -> {
                    assertThat(e.path()).as(e.getMessage()).isEqualTo(path);
                    assertThat(e.errorCode()).as(e.getMessage()).isEqualTo(code);
                });
    }

    @Test
    void controlMessageRoundTripsAndIsChecked() {
        ControlMessage cancel = ControlMessage.cancel("j1", "wrong images");
        String json = Messages.toJson(cancel);
        assertThat(Messages.parseControl(json)).isEqualTo(cancel);
        assertThat(Messages.parseControl(json).action()).isEqualTo(ControlAction.CANCEL);

        assertThatThrownBy(() -> Messages.parseControl(Fixtures.edit(json, "jobId", Fixtures.REMOVE)))
                .isInstanceOfSatisfying(MessageValidationException.class,
                        e -> assertThat(e.path()).isEqualTo("$.jobId"));
        assertThatThrownBy(() -> Messages.parseControl(Fixtures.edit(json, "action", "\"pause\"")))
                .isInstanceOfSatisfying(MessageValidationException.class, e -> {
                    assertThat(e.path()).isEqualTo("$.action");
                    assertThat(e.getMessage()).contains("allowed: cancel");
                });
    }

    @Test
    void parseDispatchesOnType() {
        byte[] json = Messages.toBytes(ControlMessage.cancel("j1", ""));
        assertThat(Messages.parse(json, ControlMessage.class).jobId()).isEqualTo("j1");
        assertThatThrownBy(() -> Messages.parse(json, String.class)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Messages.parse(json, RenderRequest.class))
                .isInstanceOf(MessageValidationException.class);
    }
}
