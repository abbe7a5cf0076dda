package dev.likeness.cli.jobs;

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

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Shows a job's events on a terminal: one line per event, and for {@code progress} a bar redrawn in place
 * ({@code \r}) until the next event.
 */
public final class EventPrinter implements Consumer<JobEvent> {

    private static final int BAR = 30;

    private final PrintStream out;
    private boolean barShown;

    public EventPrinter(PrintStream out) {
        this.out = out;
    }

    @Override
    public void accept(JobEvent e) {
        EventData d = e.data();
        if (d instanceof Progress p) {
            out.print("\r" + bar(p));
            out.flush();
            barShown = true;
            return;
        }
        if (barShown) {
            out.println();
            barShown = false;
        }
        out.println(line(e));
        out.flush();
    }

    /** One line for an event (no progress bar). */
    public static String line(JobEvent e) {
        String who = e.source().replace("/likeness/", "");
        EventData d = e.data();
        String what;
        if (d instanceof Accepted a) {
            what = "accepted: " + a.method().wire() + ", stages " + a.stages().stream().map(s -> s.wire()).toList();
        } else if (d instanceof StageStarted s) {
            what = s.stage().wire() + " started (attempt " + s.attempt() + ")";
        } else if (d instanceof StageCompleted s) {
            what = s.stage().wire() + " completed " + s.outputs();
        } else if (d instanceof Progress p) {
            what = bar(p);
        } else if (d instanceof Succeeded s) {
            what = "SUCCEEDED metrics " + s.metrics() + (s.report() == null ? "" : ", report " + s.report());
        } else if (d instanceof Failed f) {
            what = "FAILED " + f.code() + (f.stage() == null ? "" : " in " + f.stage().wire()) + ": " + f.message();
        } else if (d instanceof Cancelled c) {
            what = "CANCELLED" + (c.stage() == null ? "" : " in " + c.stage().wire()) + ": " + c.reason();
        } else if (d instanceof RenderCompleted r) {
            what = "render completed: " + r.images().size() + " image(s) in "
                    + String.format(Locale.ROOT, "%.1f s", r.elapsedSeconds());
        } else if (d instanceof RenderFailed r) {
            what = "render FAILED " + r.code() + ": " + r.message();
        } else {
            what = e.type().wire();
        }
        return String.format(Locale.ROOT, "%tT %-16s %s", java.util.Date.from(e.time()), who, what);
    }

    public static String bar(Progress p) {
        int total = p.totalSteps() == null || p.totalSteps() <= 0 ? 1 : p.totalSteps();
        int step = p.step() == null ? 0 : Math.min(p.step(), total);
        int filled = (int) Math.round(BAR * (double) step / total);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-8s [", p.stage().wire()));
        sb.append("#".repeat(filled)).append(".".repeat(BAR - filled)).append("] ");
        sb.append(step).append('/').append(total);
        if (p.loss() != null) {
            sb.append(String.format(Locale.ROOT, "  loss %.4f", p.loss()));
        }
        if (p.stepsPerSecond() != null) {
            sb.append(String.format(Locale.ROOT, "  %.2f it/s", p.stepsPerSecond()));
        }
        if (p.etaSeconds() != null) {
            sb.append(String.format(Locale.ROOT, "  eta %.0f s", p.etaSeconds()));
        }
        return sb.append("   ").toString();
    }
}
