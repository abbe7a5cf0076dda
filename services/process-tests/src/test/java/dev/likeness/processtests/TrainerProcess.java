package dev.likeness.processtests;

import dev.likeness.localstack.StackEndpoints;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged trainer ({@code services/trainer/target/quarkus-app/quarkus-run.jar}) running as its own process
 * against a local stack, configured through the environment as in production, with test timings: heartbeats every
 * 500 ms, a 3 s lease, a progress event per step, and a Kafka session of 6 s so that a killed instance leaves the
 * consumer group quickly. Output goes to {@code <workDir>/<instance>/trainer.log}.
 */
final class TrainerProcess implements AutoCloseable {

    private final String instanceId;
    private final Process process;
    private final int port;
    private final Path log;

    private TrainerProcess(String instanceId, Process process, int port, Path log) {
        this.instanceId = instanceId;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts a trainer named {@code instanceId} (its owner name in job states); returns before it is ready. */
    static TrainerProcess start(StackEndpoints stack, String instanceId, Path workDir) throws IOException {
        Path repo = Path.of(System.getProperty("likeness.repo", "../..")).toAbsolutePath().normalize();
        Path jar = repo.resolve("services/trainer/target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: package the trainer first (./mvnw -pl services/trainer"
                    + " -am package -DskipTests), or run these tests in `mvn verify`");
        }
        int port = freePort();
        Path dir = Files.createDirectories(workDir.resolve(instanceId));
        Files.createDirectories(dir.resolve("tmp"));
        Path log = dir.resolve("trainer.log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1",
                "-Djava.io.tmpdir=" + dir.resolve("tmp"),
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
                // consumer-group timings: a SIGKILLed member is dropped after 6 s instead of 45 s
                "-Dlikeness.jobs.consumer.\"session.timeout.ms\"=6000",
                "-Dlikeness.jobs.consumer.\"heartbeat.interval.ms\"=1000",
                "-jar", jar.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.putAll(stack.serviceEnvironment());
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("LIKENESS_CACHE_DIR", dir.resolve("cache").toString());
        env.put("LIKENESS_JOBS_INSTANCE_ID", instanceId);
        env.put("LIKENESS_JOBS_HEARTBEAT_INTERVAL", "500ms");
        env.put("LIKENESS_JOBS_LEASE_TIMEOUT", "3s");
        env.put("LIKENESS_JOBS_PROGRESS_MIN_INTERVAL", "0s");
        env.put("LIKENESS_JOBS_CANCEL_CHECK_INTERVAL", "1s");
        env.put("LIKENESS_JOBS_SHUTDOWN_GRACE", "10s");
        env.put("OMP_NUM_THREADS", "1");
        return new TrainerProcess(instanceId, pb.start(), port, log);
    }

    /** Waits until {@code /q/health/ready} answers 200 (Kafka and S3 reachable). */
    TrainerProcess awaitReady(Duration timeout) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(instanceId + " exited with " + process.exitValue() + "; log tail:\n"
                        + tail());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/q/health/ready")).timeout(Duration.ofSeconds(5))
                        .GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return this;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(300);
        }
        throw new IllegalStateException(instanceId + " not ready after " + timeout + "; log tail:\n" + tail());
    }

    /** SIGKILL: no shutdown hook, no checkpoint, no release of the job, no leaving the consumer group. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            throw new IllegalStateException(instanceId + " still alive 20 s after SIGKILL");
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String instanceId() {
        return instanceId;
    }

    /** The whole log so far. */
    String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    String tail() {
        List<String> lines = logText().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    /** SIGTERM (the trainer leaves its consumer group), then SIGKILL if it has not exited in 30 s. */
    @Override
    public void close() throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
