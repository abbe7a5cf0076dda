package dev.likeness.trainer;

import dev.likeness.localstack.StackEndpoints;
import dev.likeness.testkit.InjectLocalStack;
import dev.likeness.testkit.LocalStackTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The shared local stack, with the service's S3 traffic going through an {@link S3Proxy} tests can switch off. */
public final class TrainerStackResource implements QuarkusTestResourceLifecycleManager {

    private static S3Proxy proxy;
    private StackEndpoints stack;

    static synchronized S3Proxy proxy() {
        return proxy;
    }

    @Override
    public Map<String, String> start() {
        stack = LocalStackTestResource.sharedStack();
        try {
            synchronized (TrainerStackResource.class) {
                if (proxy == null) {
                    proxy = new S3Proxy(stack.s3Endpoint().getHost(), stack.s3Endpoint().getPort());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> config = new LinkedHashMap<>(stack.serviceConfig());
        config.put("likeness.s3.endpoint", "http://127.0.0.1:" + proxy.port());
        return config;
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(stack,
                new TestInjector.AnnotatedAndMatchesType(InjectLocalStack.class, StackEndpoints.class));
    }

    @Override
    public void stop() {
    }
}
