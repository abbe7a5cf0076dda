package dev.likeness.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Picks free loopback ports before the servers start, because the Kafka config needs them written out in advance. */
final class FreePorts {

    private FreePorts() {
    }

    /** {@code requested} when it is positive, otherwise a port that was free on 127.0.0.1 a moment ago. */
    static int resolve(int requested) {
        if (requested < 0 || requested > 65535) {
            throw new IllegalArgumentException("port must be 0 (pick a free one) or 1..65535, got " + requested);
        }
        if (requested > 0) {
            return requested;
        }
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }
}
