package dev.likeness.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * What a command printed to standard output or standard error while it ran, with its exit code: the CLI's commands
 * print to {@code System.out} and picocli reports failures on {@code System.err}. The stream is restored afterwards
 * even when the command throws.
 *
 * @param exitCode what the command returned
 * @param text     everything it printed to the captured stream (UTF-8)
 */
record CapturedOutput(int exitCode, String text) {

    /** Runs {@code command} with standard output captured. */
    static CapturedOutput stdout(IntSupplier command) {
        return capture(command, () -> System.out, System::setOut);
    }

    /** Runs {@code command} with standard error captured. */
    static CapturedOutput stderr(IntSupplier command) {
        return capture(command, () -> System.err, System::setErr);
    }

    private static CapturedOutput capture(IntSupplier command, Supplier<PrintStream> current,
                                          Consumer<PrintStream> set) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream before = current.get();
        int rc;
        try {
            set.accept(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            rc = command.getAsInt();
        } finally {
            set.accept(before);
        }
        return new CapturedOutput(rc, bytes.toString(StandardCharsets.UTF_8));
    }
}
