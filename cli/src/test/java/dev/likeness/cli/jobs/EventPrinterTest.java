package dev.likeness.cli.jobs;

import dev.likeness.contracts.events.ErrorCode;
import dev.likeness.contracts.events.Failed;
import dev.likeness.contracts.events.JobEvent;
import dev.likeness.contracts.events.Progress;
import dev.likeness.contracts.events.StageStarted;
import dev.likeness.contracts.jobs.Stage;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class EventPrinterTest {

    @Test
    void progressIsABarRedrawnInPlaceAndOtherEventsAreLines() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        EventPrinter printer = new EventPrinter(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        printer.accept(JobEvent.of("/likeness/trainer", "j1", 1, new StageStarted(Stage.TRAIN, 1)));
        printer.accept(JobEvent.of("/likeness/trainer", "j1", 2, new Progress(Stage.TRAIN, 5, 10, 0.25, 1e-3, 2.0,
                2.5)));
        printer.accept(JobEvent.of("/likeness/trainer", "j1", 3, new Progress(Stage.TRAIN, 10, 10, 0.2, 1e-3, 2.0,
                0.0)));
        printer.accept(JobEvent.of("/likeness/trainer", "j1", 4, new Failed(ErrorCode.NAN_LOSS, "loss is NaN at step 10",
                Stage.TRAIN)));
        String out = bytes.toString(StandardCharsets.UTF_8);

        assertThat(out).contains("trainer").contains("train started (attempt 1)");
        assertThat(out).contains("\rtrain    [###############...............] 5/10  loss 0.2500  2.00 it/s  eta 3 s");
        assertThat(out).contains("\rtrain    [##############################] 10/10");
        assertThat(out).contains("FAILED NAN_LOSS in train: loss is NaN at step 10");
        // the bar's line is ended before the next event's line
        assertThat(out.indexOf("10/10")).isLessThan(out.indexOf("\n", out.indexOf("10/10")));
    }

    @Test
    void aBarWithoutTotalsDoesNotDivideByZero() {
        assertThat(EventPrinter.bar(new Progress(Stage.PRIOR, 0, 0, null, null, null, null)))
                .startsWith("prior    [").contains("0/1");
    }
}
