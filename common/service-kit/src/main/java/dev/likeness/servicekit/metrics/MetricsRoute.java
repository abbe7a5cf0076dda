package dev.likeness.servicekit.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/** {@code /q/metrics} in the Prometheus text exposition format. */
@ApplicationScoped
public class MetricsRoute {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    @Inject
    PrometheusMeterRegistry registry;

    void register(@Observes Router router) {
        router.get("/q/metrics").blockingHandler(ctx -> ctx.response()
                .putHeader("content-type", CONTENT_TYPE)
                .end(registry.scrape()), false);
    }
}
