package dev.likeness.testkit;

import dev.likeness.localstack.LocalStack;
import dev.likeness.localstack.StackEndpoints;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Gives JUnit 5 tests a real Kafka broker and S3 server: one {@link LocalStack} per test JVM, started in-process on
 * first use, kept in the root extension store (so every test class shares it) and closed when the test run ends.
 *
 * <pre>{@code
 * @ExtendWith(LocalStackExtension.class)
 * class MyStoreTest {
 *     @Test void roundTrip(LocalStack stack) { ... stack.kafkaBootstrapServers() ... stack.s3Endpoint() ... }
 * }
 * }</pre>
 * Parameters of type {@link LocalStack} or {@link StackEndpoints} are injected. Tests share the broker and the
 * bucket: use unique topic names, consumer groups and object keys. Quarkus tests use {@link LocalStackTestResource}.
 */
public final class LocalStackExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LocalStackExtension.class);

    /** The shared stack, starting it if this is the first use in this JVM. */
    public static LocalStack stack(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .computeIfAbsent(SharedStack.class, k -> SharedStack.start(), SharedStack.class)
                .stack;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        stack(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == LocalStack.class || type == StackEndpoints.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return stack(context);
    }

    /** Owns the stack and its temporary data directory; JUnit closes it with the root store. */
    private static final class SharedStack implements AutoCloseable {
        final LocalStack stack;
        final Path dataDir;

        private SharedStack(LocalStack stack, Path dataDir) {
            this.stack = stack;
            this.dataDir = dataDir;
        }

        static SharedStack start() {
            try {
                Path dir = Files.createTempDirectory("likeness-localstack-");
                return new SharedStack(LocalStack.builder().dataDir(dir).start(), dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the local stack's data dir", e);
            }
        }

        @Override
        public void close() {
            try {
                stack.close();
            } finally {
                TempDirs.deleteQuietly(dataDir);
            }
        }
    }
}
