package dev.likeness.contracts;

import dev.likeness.contracts.jobs.SchedulerName;
import dev.likeness.contracts.render.ArtifactRef;
import dev.likeness.contracts.render.RenderRequest;
import java.util.ArrayList;
import java.util.List;

/** Defaults and validation of render requests. */
final class RenderRules {

    private RenderRules() {
    }

    static RenderRequest withDefaults(RenderRequest r) {
        List<ArtifactRef> artifacts = null;
        if (r.artifacts() != null) {
            artifacts = new ArrayList<>();
            for (ArtifactRef a : r.artifacts()) {
                artifacts.add(a == null ? null : new ArtifactRef(a.kind(), a.uri(), JobRules.or(a.weight(), 1.0)));
            }
        }
        return new RenderRequest(r.schema(), r.requestId(), r.model(), r.prompts(),
                JobRules.or(r.negativePrompt(), ""), JobRules.or(artifacts, List.of()),
                JobRules.or(r.seeds(), List.of(0L)), JobRules.or(r.steps(), 50),
                JobRules.or(r.scheduler(), SchedulerName.DDIM), JobRules.or(r.guidance(), 7.5),
                JobRules.or(r.width(), 512), JobRules.or(r.height(), 512));
    }

    static void validate(RenderRequest r, Checker c, String p) {
        c.schema(p + ".schema", r.schema(), RenderRequest.SCHEMA);
        c.id(p + ".requestId", r.requestId());
        c.s3Folder(p + ".model", r.model());
        JobRules.prompts(r.prompts(), 1, c, p + ".prompts");
        if (c.present(p + ".negativePrompt", r.negativePrompt()) && r.negativePrompt().length() > 1000) {
            c.invalid(p + ".negativePrompt", "is longer than 1000 characters");
        }
        if (c.list(p + ".artifacts", r.artifacts(), 0, 64)) {
            for (int i = 0; i < r.artifacts().size(); i++) {
                ArtifactRef a = r.artifacts().get(i);
                String ap = p + ".artifacts[" + i + "]";
                c.present(ap + ".kind", a.kind());
                c.s3Object(ap + ".uri", a.uri());
                c.range(ap + ".weight", a.weight(), -10.0, 10.0);
            }
        }
        c.list(p + ".seeds", r.seeds(), 1, 64);
        c.range(p + ".steps", r.steps(), 1, 1000);
        c.present(p + ".scheduler", r.scheduler());
        c.range(p + ".guidance", r.guidance(), 0.0, 50.0);
        dimension(r.width(), c, p + ".width");
        dimension(r.height(), c, p + ".height");
    }

    private static void dimension(Integer v, Checker c, String p) {
        if (c.present(p, v) && (v < 32 || v > 2048 || v % 8 != 0)) {
            c.invalid(p, "is " + v + "; must be a multiple of 8 between 32 and 2048");
        }
    }
}
