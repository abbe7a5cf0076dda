package dev.likeness.servicekit.health;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * {@code /q/health} (all checks), {@code /q/health/live} and {@code /q/health/ready}. Served by our own Vert.x
 * routes because quarkus-smallrye-health is not published for the Quarkus version we build with.
 */
@ApplicationScoped
public class HealthRoutes {

    @Inject
    @Any
    Instance<HealthCheck> checks;

    void register(@Observes Router router) {
        router.get("/q/health").blockingHandler(ctx -> respond(ctx, c -> true), false);
        router.get("/q/health/live").blockingHandler(ctx -> respond(ctx, c -> c.kind() == HealthCheck.Kind.LIVENESS),
                false);
        router.get("/q/health/ready").blockingHandler(
                ctx -> respond(ctx, c -> c.kind() == HealthCheck.Kind.READINESS), false);
    }

    /** Runs the selected checks; a check that throws counts as DOWN. */
    public HealthReport report(Predicate<HealthCheck> selection) {
        List<CheckResult> results = new ArrayList<>();
        for (HealthCheck check : checks) {
            if (!selection.test(check)) {
                continue;
            }
            try {
                results.add(check.check());
            } catch (RuntimeException e) {
                results.add(CheckResult.down(check.name(), e.toString()));
            }
        }
        return new HealthReport(results);
    }

    private void respond(RoutingContext ctx, Predicate<HealthCheck> selection) {
        HealthReport report = report(selection);
        ctx.response()
                .setStatusCode(report.httpStatus())
                .putHeader("content-type", "application/json; charset=UTF-8")
                .end(report.toJson().encode());
    }
}
