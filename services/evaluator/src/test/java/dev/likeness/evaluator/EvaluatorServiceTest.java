package dev.likeness.evaluator;

import dev.likeness.localstack.StackEndpoints;
import dev.likeness.servicekit.s3.S3Config;
import dev.likeness.testkit.InjectLocalStack;
import dev.likeness.testkit.LocalStackTestResource;
import dev.likeness.testkit.TopicProbe;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;

/** The service against a real Kafka broker and S3 server (child-JVM local stack). */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
class EvaluatorServiceTest {

    @InjectLocalStack
    StackEndpoints stack;

    @Inject
    MinioClient s3;

    @Inject
    S3Config s3Config;

    @Test
    void healthIsUpWithKafkaAndS3Checks() {
        given().get("/q/health").then().statusCode(200)
                .body("status", is("UP"))
                .body("checks.name", hasItems("kafka", "s3"))
                .body("checks.status", hasItems("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", is("UP"));
        given().get("/q/health/live").then().statusCode(200).body("status", is("UP"));
    }

    @Test
    void metricsArePrometheusText() {
        given().get("/q/metrics").then().statusCode(200)
                .contentType(containsString("text/plain"))
                .body(containsString("# TYPE jvm_memory_used_bytes gauge"))
                .body(containsString("application=\"likeness-evaluator\""));
    }

    @Test
    void stageMessageYieldsAStageStartedEvent() {
        String jobId = "job-" + UUID.randomUUID();
        TopicProbe.send(stack.kafkaBootstrapServers(), "likeness.stage.evaluate", jobId, "{\"jobId\":\"" + jobId + "\"}");

        ConsumerRecord<String, String> event = TopicProbe
                .awaitKey(stack.kafkaBootstrapServers(), "likeness.events", jobId, Duration.ofSeconds(60))
                .orElseThrow(() -> new AssertionError("no event for " + jobId + " on likeness.events"));
        JsonObject json = new JsonObject(event.value());
        assertThat(json.getString("type")).isEqualTo("stage-started");
        assertThat(json.getString("stage")).isEqualTo("evaluate");
        assertThat(json.getString("jobId")).isEqualTo(jobId);
        assertThat(json.getString("service")).isEqualTo("likeness-evaluator");

        given().get("/q/metrics").then().body(containsString("likeness_stage_messages_total"));
    }

    @Test
    void writesAndReadsAnObjectInTheBucket() throws Exception {
        assertThat(s3Config.bucket()).isEqualTo(stack.bucket());
        String key = "tests/likeness-evaluator/" + UUID.randomUUID() + ".txt";
        byte[] body = "written by likeness-evaluator".getBytes(StandardCharsets.UTF_8);
        s3.putObject(PutObjectArgs.builder().bucket(s3Config.bucket()).object(key).data(body, body.length).build());
        try (InputStream in = s3.getObject(GetObjectArgs.builder().bucket(s3Config.bucket()).object(key).build())) {
            assertThat(in.readAllBytes()).isEqualTo(body);
        }
    }
}
