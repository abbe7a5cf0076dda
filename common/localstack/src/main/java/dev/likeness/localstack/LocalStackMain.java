package dev.likeness.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a {@link LocalStack} as its own process, for {@code likeness-local} and {@link LocalStackProcess}.
 *
 * <pre>
 * java -cp ... dev.likeness.localstack.LocalStackMain --data DIR [--kafka-port N] [--controller-port N]
 *      [--s3-port N] [--access-key K] [--secret-key S] [--bucket B] [--partitions N]
 *      [--endpoints-file FILE] [--exit-on-stdin-eof]
 * </pre>
 *
 * When both servers answer it prints one line {@value #READY_MARKER}{@code {"kafkaBootstrapServers":...}} on
 * stdout. SIGTERM (or stdin reaching end of file, with {@code --exit-on-stdin-eof}: the parent died) stops the S3
 * server and shuts the broker down cleanly.
 */
public final class LocalStackMain {

    /** Prefix of the line that tells a parent the stack is up; the rest of the line is a flat JSON object. */
    public static final String READY_MARKER = "LIKENESS-LOCALSTACK-READY ";

    private LocalStackMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("localstack: " + e.getMessage());
            System.exit(2);
            return;
        }
        LocalStack stack = options.builder.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stack.close();
            System.out.println("LIKENESS-LOCALSTACK-STOPPED");
            System.out.flush();
            stopped.countDown();
        }, "localstack-shutdown"));

        String json = toJson(endpoints(stack));
        if (options.endpointsFile != null) {
            writeEndpointsFile(options.endpointsFile, stack);
        }
        System.out.println(READY_MARKER + json);
        System.out.flush();

        if (options.exitOnStdinEof) {
            Thread watcher = new Thread(() -> {
                drain(System.in);
                System.exit(0);
            }, "localstack-parent-watch");
            watcher.setDaemon(true);
            watcher.start();
        }
        stopped.await();
    }

    static Map<String, String> endpoints(StackEndpoints stack) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("kafkaBootstrapServers", stack.kafkaBootstrapServers());
        m.put("s3Endpoint", stack.s3Endpoint().toString());
        m.put("s3AccessKey", stack.s3AccessKey());
        m.put("s3SecretKey", stack.s3SecretKey());
        m.put("s3Region", stack.s3Region());
        m.put("bucket", stack.bucket());
        m.put("dataDir", stack.dataDir().toString());
        m.put("pid", Long.toString(ProcessHandle.current().pid()));
        return m;
    }

    private static void writeEndpointsFile(Path file, StackEndpoints stack) {
        StringBuilder sb = new StringBuilder("# written by likeness-local; source it to point tools at the stack\n");
        stack.serviceEnvironment().forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        try {
            Path abs = file.toAbsolutePath();
            Files.createDirectories(abs.getParent());
            Path tmp = Files.createTempFile(abs.getParent(), "endpoints", ".tmp");
            Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void drain(InputStream in) {
        byte[] buffer = new byte[256];
        try {
            while (in.read(buffer) >= 0) {
                // the parent never writes; we only wait for the pipe to close
            }
        } catch (IOException e) {
            // a broken pipe means the same thing as end of file
        }
    }

    /** Flat JSON object of string values, the only shape the READY line needs. */
    static String toJson(Map<String, String> values) {
        StringBuilder sb = new StringBuilder("{");
        values.forEach((k, v) -> {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append(quote(k)).append(':').append(quote(v));
        });
        return sb.append('}').toString();
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> sb.append(c < 0x20 ? String.format("\\u%04x", (int) c) : Character.toString(c));
            }
        }
        return sb.append('"').toString();
    }

    private static final class Options {
        final LocalStack.Builder builder = LocalStack.builder();
        Path endpointsFile;
        boolean exitOnStdinEof;

        static Options parse(String[] args) {
            Options o = new Options();
            Deque<String> rest = new ArrayDeque<>(List.of(args));
            boolean hasData = false;
            while (!rest.isEmpty()) {
                String flag = rest.poll();
                switch (flag) {
                    case "--data" -> {
                        o.builder.dataDir(Path.of(value(flag, rest)));
                        hasData = true;
                    }
                    case "--kafka-port" -> o.builder.kafkaPort(intValue(flag, rest));
                    case "--controller-port" -> o.builder.controllerPort(intValue(flag, rest));
                    case "--s3-port" -> o.builder.s3Port(intValue(flag, rest));
                    case "--partitions" -> o.builder.partitions(intValue(flag, rest));
                    case "--access-key" -> o.builder.accessKey(value(flag, rest));
                    case "--secret-key" -> o.builder.secretKey(value(flag, rest));
                    case "--bucket" -> o.builder.bucket(value(flag, rest));
                    case "--endpoints-file" -> o.endpointsFile = Path.of(value(flag, rest));
                    case "--exit-on-stdin-eof" -> o.exitOnStdinEof = true;
                    default -> throw new IllegalArgumentException("unknown option " + flag);
                }
            }
            if (!hasData) {
                throw new IllegalArgumentException("--data DIR is required");
            }
            return o;
        }

        private static String value(String flag, Deque<String> rest) {
            String v = rest.poll();
            if (v == null) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return v;
        }

        private static int intValue(String flag, Deque<String> rest) {
            String v = value(flag, rest);
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " needs a number, got '" + v + "'");
            }
        }
    }
}
