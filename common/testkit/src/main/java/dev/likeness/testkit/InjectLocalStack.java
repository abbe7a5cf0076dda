package dev.likeness.testkit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@link dev.likeness.localstack.StackEndpoints} field of a Quarkus test that {@link LocalStackTestResource}
 * fills with the running stack.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface InjectLocalStack {
}
