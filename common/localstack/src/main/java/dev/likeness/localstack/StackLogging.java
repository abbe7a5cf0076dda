package dev.likeness.localstack;

import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Turns the embedded servers' loggers down to WARN. Kafka and S3Proxy log through slf4j; with logback (which
 * s3proxy brings) unconfigured, everything logs at DEBUG, which floods test output and slows S3 uploads threefold.
 */
final class StackLogging {

    private static final List<String> NOISY = List.of(
            "kafka", "org.apache.kafka", "state.change.logger", "org.gaul", "org.eclipse.jetty", "org.jclouds",
            "software.amazon", "io.opentelemetry", "org.apache.http", "com.github.benmanes");

    private StackLogging() {
    }

    static void quiet() {
        try {
            if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
                for (String name : NOISY) {
                    context.getLogger(name).setLevel(ch.qos.logback.classic.Level.WARN);
                }
            }
        } catch (NoClassDefFoundError e) {
            // logback excluded by the caller: their slf4j binding and its configuration decide.
        }
    }
}
