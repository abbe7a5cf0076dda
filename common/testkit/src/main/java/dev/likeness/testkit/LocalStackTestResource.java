package dev.likeness.testkit;

import dev.likeness.localstack.LocalStackProcess;
import dev.likeness.localstack.StackEndpoints;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Points a {@code @QuarkusTest} at a real Kafka broker and S3 server:
 * {@code @WithTestResource(LocalStackTestResource.class)}.
 *
 * <p>The stack runs in a child JVM ({@link LocalStackProcess}) so the broker's and S3Proxy's jars stay off Quarkus'
 * classpath; it starts once per test JVM and stops when the JVM exits (or dies). The returned configuration sets
 * {@code kafka.bootstrap.servers} and {@code likeness.s3.endpoint|access-key|secret-key|region|bucket}. A test
 * field of type {@link StackEndpoints} annotated {@link InjectLocalStack} receives the stack.
 */
public final class LocalStackTestResource implements QuarkusTestResourceLifecycleManager {

    private static LocalStackProcess shared;

    private StackEndpoints stack;

    /** The JVM-wide child stack, started on first call. */
    public static synchronized StackEndpoints sharedStack() {
        if (shared == null || !shared.isAlive()) {
            try {
                Path dir = Files.createTempDirectory("likeness-localstack-");
                shared = LocalStackProcess.builder().dataDir(dir).start();
                // registered after the process' own stop hook; deleting a folder the child still writes to is
                // harmless: the child is told to stop first and the files vanish with it either way
                LocalStackProcess started = shared;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    started.close();
                    TempDirs.deleteQuietly(dir);
                }, "localstack-test-resource-cleanup"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the local stack's data dir", e);
            }
        }
        return shared;
    }

    @Override
    public Map<String, String> start() {
        stack = sharedStack();
        return stack.serviceConfig();
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(stack,
                new TestInjector.AnnotatedAndMatchesType(InjectLocalStack.class, StackEndpoints.class));
    }

    /** Nothing to do per test class: the stack is shared by the JVM and stopped at its exit. */
    @Override
    public void stop() {
    }
}
