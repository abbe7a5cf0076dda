package dev.likeness.localstack;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link LocalStack} in a child JVM. The child's classpath is the one Maven resolved for this module at build time
 * ({@code META-INF/likeness/localstack.classpath}) plus this module's own jar or classes folder, so the caller's
 * classpath needs none of the broker's or S3Proxy's jars: Quarkus tests depend on this module with
 * {@code kafka_2.13} and {@code s3proxy} excluded.
 *
 * <p>Uses only the JDK. The child stops when {@link #close()} is called and, because it watches its stdin, when this
 * JVM dies without closing it. Its output goes to {@code <dataDir>/localstack.log}.
 */
public final class LocalStackProcess implements StackEndpoints, AutoCloseable {

    static final String CLASSPATH_RESOURCE = "META-INF/likeness/localstack.classpath";
    private static final Pattern JSON_FIELD = Pattern.compile("\"(\\w+)\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final Process process;
    private final OutputPump output;
    private final Map<String, String> endpoints;
    private final Path dataDir;

    private LocalStackProcess(Process process, OutputPump output, Map<String, String> endpoints, Path dataDir) {
        this.process = process;
        this.output = output;
        this.endpoints = endpoints;
        this.dataDir = dataDir;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String kafkaBootstrapServers() {
        return endpoints.get("kafkaBootstrapServers");
    }

    @Override
    public URI s3Endpoint() {
        return URI.create(endpoints.get("s3Endpoint"));
    }

    @Override
    public String s3AccessKey() {
        return endpoints.get("s3AccessKey");
    }

    @Override
    public String s3SecretKey() {
        return endpoints.get("s3SecretKey");
    }

    @Override
    public String s3Region() {
        return endpoints.getOrDefault("s3Region", StackEndpoints.super.s3Region());
    }

    @Override
    public String bucket() {
        return endpoints.get("bucket");
    }

    @Override
    public Path dataDir() {
        return dataDir;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM (the child shuts the broker down cleanly), then SIGKILL if it is still there after 30 s. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        // ProcessHandle.destroy sends SIGTERM without closing our pipes (Process.destroy closes them at once),
        // so the child's last lines still reach the log
        process.toHandle().destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            output.join(5_000); // so the log file holds the child's last words
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "LocalStackProcess[pid=" + process.pid() + ", kafka=" + kafkaBootstrapServers() + ", s3="
                + s3Endpoint() + ", data=" + dataDir + "]";
    }

    /** Parses the flat JSON object of the READY line. */
    static Map<String, String> parseReadyLine(String json) {
        Map<String, String> fields = new HashMap<>();
        Matcher m = JSON_FIELD.matcher(json);
        while (m.find()) {
            fields.put(m.group(1), m.group(2).replace("\\\"", "\"").replace("\\n", "\n").replace("\\\\", "\\"));
        }
        for (String required : List.of("kafkaBootstrapServers", "s3Endpoint", "s3AccessKey", "s3SecretKey",
                "bucket")) {
            if (!fields.containsKey(required)) {
                throw new IllegalStateException("local stack READY line lacks '" + required + "': " + json);
            }
        }
        return fields;
    }

    /**
     * The child's classpath: this module's jar or classes folder first, then its runtime dependencies.
     */
    static String childClasspath() {
        String dependencies;
        try (InputStream in = LocalStackProcess.class.getClassLoader().getResourceAsStream(CLASSPATH_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(CLASSPATH_RESOURCE + " is missing: build likeness-localstack with "
                        + "Maven (./mvnw -pl common/localstack install) so the classpath file is generated");
            }
            dependencies = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ownLocation() + java.io.File.pathSeparator + dependencies;
    }

    /** The jar or folder this class was loaded from (works under Quarkus' class loader too). */
    private static Path ownLocation() {
        String self = LocalStackProcess.class.getName().replace('.', '/') + ".class";
        URL url = Objects.requireNonNull(LocalStackProcess.class.getClassLoader().getResource(self), self);
        String s = url.toString();
        try {
            if (s.startsWith("jar:")) {
                return Path.of(new URI(s.substring("jar:".length(), s.indexOf("!/"))));
            }
            if (s.startsWith("file:")) {
                return Path.of(new URI(s.substring(0, s.length() - self.length())));
            }
            URL codeSource = LocalStackProcess.class.getProtectionDomain().getCodeSource().getLocation();
            return Path.of(codeSource.toURI());
        } catch (URISyntaxException | RuntimeException e) {
            throw new IllegalStateException("cannot tell where likeness-localstack was loaded from (" + s + ")", e);
        }
    }

    /** Options for the child; the same as {@link LocalStack.Builder}'s plus a start timeout and JVM options. */
    public static final class Builder {

        private Path dataDir;
        private final List<String> args = new ArrayList<>();
        private List<String> jvmOptions = List.of("-Xms64m", "-Xmx768m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Xshare:auto");
        private long startTimeoutSeconds = 120;

        private Builder() {
        }

        /** Required; created if missing. The child writes {@code localstack.log} there. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir").toAbsolutePath();
            return this;
        }

        public Builder kafkaPort(int port) {
            return option("--kafka-port", Integer.toString(port));
        }

        public Builder controllerPort(int port) {
            return option("--controller-port", Integer.toString(port));
        }

        public Builder s3Port(int port) {
            return option("--s3-port", Integer.toString(port));
        }

        public Builder partitions(int partitions) {
            return option("--partitions", Integer.toString(partitions));
        }

        public Builder accessKey(String accessKey) {
            return option("--access-key", accessKey);
        }

        public Builder secretKey(String secretKey) {
            return option("--secret-key", secretKey);
        }

        public Builder bucket(String bucket) {
            return option("--bucket", bucket);
        }

        public Builder jvmOptions(List<String> options) {
            this.jvmOptions = List.copyOf(options);
            return this;
        }

        public Builder startTimeoutSeconds(long seconds) {
            this.startTimeoutSeconds = seconds;
            return this;
        }

        private Builder option(String flag, String value) {
            args.add(flag);
            args.add(Objects.requireNonNull(value, flag));
            return this;
        }

        /** Launches the child and blocks until it prints its READY line. */
        public LocalStackProcess start() {
            if (dataDir == null) {
                throw new IllegalStateException("LocalStackProcess.builder().dataDir(...) is required");
            }
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
            command.add("-Djava.io.tmpdir=" + dataDir.resolve("tmp"));
            command.add("-cp");
            command.add(childClasspath());
            command.add(LocalStackMain.class.getName());
            command.add("--data");
            command.add(dataDir.toString());
            command.addAll(args);
            command.add("--exit-on-stdin-eof");
            Path log = dataDir.resolve("localstack.log");
            Process process;
            try {
                Files.createDirectories(dataDir.resolve("tmp"));
                process = new ProcessBuilder(command).redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot launch the local stack JVM", e);
            }
            // stdin stays open and unused: its end of file tells the child that we are gone
            OutputPump pump = new OutputPump(process, log);
            pump.start();
            String ready;
            try {
                ready = pump.ready.get(startTimeoutSeconds, TimeUnit.SECONDS);
            } catch (TimeoutException | ExecutionException | InterruptedException e) {
                process.destroyForcibly();
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("local stack did not become ready within " + startTimeoutSeconds
                        + " s (exit " + (process.isAlive() ? "none" : process.exitValue()) + "); last output:\n"
                        + pump.tail(), e);
            }
            LocalStackProcess stack = new LocalStackProcess(process, pump, parseReadyLine(ready), dataDir);
            Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "localstack-process-stop"));
            return stack;
        }
    }

    /** Copies the child's output to its log file, remembers the last lines, and spots the READY line. */
    private static final class OutputPump extends Thread {
        final CompletableFuture<String> ready = new CompletableFuture<>();
        private final Process process;
        private final Path log;
        private final Deque<String> tail = new ArrayDeque<>();

        OutputPump(Process process, Path log) {
            super("localstack-output-" + process.pid());
            setDaemon(true);
            this.process = process;
            this.log = log;
        }

        @Override
        public void run() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
                    BufferedWriter out = Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                            StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                String line;
                while ((line = in.readLine()) != null) {
                    out.write(line);
                    out.newLine();
                    out.flush();
                    remember(line);
                    if (line.startsWith(LocalStackMain.READY_MARKER)) {
                        ready.complete(line.substring(LocalStackMain.READY_MARKER.length()));
                    }
                }
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
            ready.completeExceptionally(new IllegalStateException("local stack process ended before it was ready"));
        }

        private synchronized void remember(String line) {
            tail.addLast(line);
            if (tail.size() > 60) {
                tail.removeFirst();
            }
        }

        synchronized String tail() {
            return String.join("\n", tail);
        }
    }
}
