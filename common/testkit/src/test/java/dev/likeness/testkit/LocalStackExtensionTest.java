package dev.likeness.testkit;

import dev.likeness.localstack.LocalStack;
import dev.likeness.localstack.StackEndpoints;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(LocalStackExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalStackExtensionTest {

    private static LocalStack first;

    @Test
    @Order(1)
    void injectsARunningStackThatProducesAndConsumes(LocalStack stack) throws Exception {
        first = stack;
        assertThat(stack.bucket()).isEqualTo("likeness");
        StackChecks.kafkaRoundTrip(stack);
    }

    @Test
    @Order(2)
    void theSameStackServesS3ToEveryTest(StackEndpoints stack) throws Exception {
        assertThat(stack).isSameAs(first);
        StackChecks.s3RoundTrip(stack);
    }
}
