package dev.likeness.contracts;

import dev.likeness.contracts.events.Accepted;
import dev.likeness.contracts.events.Cancelled;
import dev.likeness.contracts.events.EventData;
import dev.likeness.contracts.events.Failed;
import dev.likeness.contracts.events.JobEvent;
import dev.likeness.contracts.events.Progress;
import dev.likeness.contracts.events.RenderCompleted;
import dev.likeness.contracts.events.RenderFailed;
import dev.likeness.contracts.events.StageCompleted;
import dev.likeness.contracts.events.StageStarted;
import dev.likeness.contracts.events.Succeeded;
import java.util.List;
import java.util.Map;

/** Defaults and validation of events. */
final class EventRules {

    private EventRules() {
    }

    static JobEvent withDefaults(JobEvent e) {
        EventData data = e.data();
        if (data instanceof StageCompleted s) {
            data = new StageCompleted(s.stage(), JobRules.or(s.outputs(), Map.of()));
        } else if (data instanceof Succeeded s) {
            data = new Succeeded(JobRules.or(s.artifacts(), Map.of()), JobRules.or(s.downloads(), Map.of()),
                    JobRules.or(s.metrics(), Map.of()), s.report());
        } else if (data instanceof RenderCompleted r) {
            data = new RenderCompleted(r.images(), JobRules.or(r.downloads(), List.of()), r.elapsedSeconds());
        }
        return new JobEvent(e.specversion(), e.id(), e.source(), e.type(), e.subject(), e.time(), e.sequence(),
                JobRules.or(e.datacontenttype(), JobEvent.CONTENT_TYPE), data);
    }

    static void validate(JobEvent e, Checker c, String p) {
        if (c.present(p + ".specversion", e.specversion()) && !JobEvent.SPEC_VERSION.equals(e.specversion())) {
            c.invalid(p + ".specversion", "is '" + e.specversion() + "'; only CloudEvents 1.0 is supported");
        }
        c.nonBlank(p + ".id", e.id(), 200);
        c.nonBlank(p + ".source", e.source(), 200);
        c.present(p + ".type", e.type());
        c.id(p + ".subject", e.subject());
        c.present(p + ".time", e.time());
        c.range(p + ".sequence", e.sequence(), 0L, Long.MAX_VALUE);
        if (c.present(p + ".datacontenttype", e.datacontenttype())
                && !JobEvent.CONTENT_TYPE.equals(e.datacontenttype())) {
            c.invalid(p + ".datacontenttype", "is '" + e.datacontenttype() + "'; must be " + JobEvent.CONTENT_TYPE);
        }
        if (!c.present(p + ".data", e.data())) {
            return;
        }
        if (e.type() != null && e.type().dataClass() != e.data().getClass()) {
            c.invalid(p + ".data", "carries " + e.data().getClass().getSimpleName() + " but type "
                    + e.type().wire() + " needs " + e.type().dataClass().getSimpleName());
        }
        data(e.data(), c, p + ".data");
    }

    private static void data(EventData data, Checker c, String p) {
        if (data instanceof Accepted a) {
            c.present(p + ".method", a.method());
            c.list(p + ".stages", a.stages(), 1, 3);
        } else if (data instanceof StageStarted s) {
            c.present(p + ".stage", s.stage());
            c.range(p + ".attempt", s.attempt(), 1, 1000);
        } else if (data instanceof Progress g) {
            c.present(p + ".stage", g.stage());
            c.range(p + ".totalSteps", g.totalSteps(), 1, Integer.MAX_VALUE);
            int total = g.totalSteps() == null ? Integer.MAX_VALUE : Math.max(g.totalSteps(), 0);
            c.range(p + ".step", g.step(), 0, total);
            c.finiteIfPresent(p + ".loss", g.loss(), -Double.MAX_VALUE);
            c.finiteIfPresent(p + ".lr", g.lr(), 0);
            c.finiteIfPresent(p + ".stepsPerSecond", g.stepsPerSecond(), 0);
            c.finiteIfPresent(p + ".etaSeconds", g.etaSeconds(), 0);
        } else if (data instanceof StageCompleted s) {
            c.present(p + ".stage", s.stage());
            JobRules.artifactMap(s.outputs(), c, p + ".outputs");
        } else if (data instanceof Succeeded s) {
            JobRules.artifactMap(s.artifacts(), c, p + ".artifacts");
            if (c.present(p + ".downloads", s.downloads())) {
                s.downloads().forEach((k, v) -> c.httpUrl(p + ".downloads." + k, v));
            }
            if (c.present(p + ".metrics", s.metrics())) {
                s.metrics().forEach((k, v) -> {
                    if (c.present(p + ".metrics." + k, v)) {
                        c.finiteIfPresent(p + ".metrics." + k, v, -Double.MAX_VALUE);
                    }
                });
            }
            if (s.report() != null) {
                c.s3Any(p + ".report", s.report());
            }
        } else if (data instanceof Failed f) {
            c.present(p + ".code", f.code());
            c.nonBlank(p + ".message", f.message(), 10_000);
        } else if (data instanceof Cancelled x) {
            if (x.reason() != null && x.reason().length() > 1000) {
                c.invalid(p + ".reason", "is longer than 1000 characters");
            }
        } else if (data instanceof RenderCompleted r) {
            if (c.list(p + ".images", r.images(), 1, 100_000)) {
                for (int i = 0; i < r.images().size(); i++) {
                    c.s3Object(p + ".images[" + i + "]", r.images().get(i));
                }
            }
            if (c.list(p + ".downloads", r.downloads(), 0, 100_000)) {
                for (int i = 0; i < r.downloads().size(); i++) {
                    c.httpUrl(p + ".downloads[" + i + "]", r.downloads().get(i));
                }
                if (!r.downloads().isEmpty() && r.images() != null && r.downloads().size() != r.images().size()) {
                    c.invalid(p + ".downloads", "has " + r.downloads().size() + " URLs for "
                            + r.images().size() + " images");
                }
            }
            c.finiteIfPresent(p + ".elapsedSeconds", r.elapsedSeconds(), 0);
        } else if (data instanceof RenderFailed f) {
            c.present(p + ".code", f.code());
            c.nonBlank(p + ".message", f.message(), 10_000);
        }
    }
}
