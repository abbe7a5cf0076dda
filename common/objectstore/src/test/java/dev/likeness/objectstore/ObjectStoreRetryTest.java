package dev.likeness.objectstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Retries against endpoints that are dead or failing; no S3 server needed. */
class ObjectStoreRetryTest {

    private static final RetryPolicy FAST = new RetryPolicy(3, Duration.ofMillis(20), Duration.ofMillis(40));

    private static ObjectStore store(int port) {
        return ObjectStore.builder().endpoint("http://127.0.0.1:" + port).credentials("k", "secret-key")
                .retry(FAST).connectTimeout(Duration.ofSeconds(2)).build();
    }

    @Test
    void deadEndpointBecomesUnavailableAfterTheRetryBudget() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: connections are refused
        }
        try (ObjectStore store = store(port)) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> store.stat(ObjectKey.of("jobs/j1/state.json")))
                    .isInstanceOf(ObjectStoreUnavailableException.class)
                    .hasMessageContaining("127.0.0.1:" + port)
                    .hasMessageContaining("failed 3 times")
                    .hasMessageContaining("stat jobs/j1/state.json");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            assertThatThrownBy(() -> store.put(ObjectKey.of("a/b"), new byte[] {1}, null))
                    .isInstanceOf(ObjectStoreUnavailableException.class);
        }
    }

    @Test
    void serverErrorsAreRetriedAndClientErrorsAreNot() throws IOException {
        AtomicInteger requests = new AtomicInteger();
        AtomicInteger status = new AtomicInteger(503);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            String code = status.get() == 503 ? "SlowDown" : "AccessDenied";
            byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>no"
                    + "</Message><Resource>/likeness/x</Resource><RequestId>1</RequestId></Error>")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/xml");
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(status.get(), head ? -1 : body.length);
            if (!head) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
        try (ObjectStore store = store(server.getAddress().getPort())) {
            assertThatThrownBy(() -> store.getBytes(ObjectKey.of("x")))
                    .isInstanceOf(ObjectStoreUnavailableException.class);
            assertThat(requests.get()).isEqualTo(3);

            requests.set(0);
            status.set(403);
            assertThatThrownBy(() -> store.getBytes(ObjectKey.of("x")))
                    .isInstanceOf(ObjectStoreException.class)
                    .isNotInstanceOf(ObjectStoreUnavailableException.class)
                    .hasMessageContaining("AccessDenied");
            assertThat(requests.get()).isEqualTo(1);
        } finally {
            server.stop(0);
        }
    }
}
