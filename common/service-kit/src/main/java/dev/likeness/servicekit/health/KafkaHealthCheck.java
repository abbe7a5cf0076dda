package dev.likeness.servicekit.health;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Readiness: the Kafka cluster answers a describe-cluster request within {@value #TIMEOUT_MS} ms. */
@ApplicationScoped
public class KafkaHealthCheck implements HealthCheck {

    static final int TIMEOUT_MS = 3000;

    private final String bootstrapServers;
    private Admin admin;

    @Inject
    public KafkaHealthCheck(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public Kind kind() {
        return Kind.READINESS;
    }

    @Override
    public CheckResult check() {
        try {
            DescribeClusterResult cluster = admin().describeCluster(new DescribeClusterOptions().timeoutMs(TIMEOUT_MS));
            String clusterId = cluster.clusterId().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            int nodes = cluster.nodes().get(TIMEOUT_MS, TimeUnit.MILLISECONDS).size();
            return CheckResult.up(name(), Map.of("bootstrap", bootstrapServers, "clusterId", clusterId, "nodes", nodes));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CheckResult.down(name(), "interrupted");
        } catch (ExecutionException e) {
            return CheckResult.down(name(), bootstrapServers + ": " + e.getCause());
        } catch (TimeoutException e) {
            return CheckResult.down(name(), bootstrapServers + ": no answer within " + TIMEOUT_MS + " ms");
        } catch (RuntimeException e) {
            return CheckResult.down(name(), bootstrapServers + ": " + e);
        }
    }

    private synchronized Admin admin() {
        if (admin == null) {
            Properties p = new Properties();
            p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            p.setProperty(AdminClientConfig.CLIENT_ID_CONFIG, "likeness-health");
            p.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(TIMEOUT_MS));
            p.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(TIMEOUT_MS));
            // keep retrying a dead broker quietly: health is polled, not waited on
            p.setProperty(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "2000");
            admin = Admin.create(p);
        }
        return admin;
    }

    @PreDestroy
    synchronized void close() {
        if (admin != null) {
            admin.close();
            admin = null;
        }
    }
}
