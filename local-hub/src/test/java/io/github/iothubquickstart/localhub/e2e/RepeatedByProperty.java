package io.github.iothubquickstart.localhub.e2e;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;

/**
 * A test that runs as many times as the system property {@value #PROPERTY} says (once by default), to show in one
 * JVM that a rare race stays fixed: {@code ./mvnw ... -Dtwin.repeat=200}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@TestTemplate
@ExtendWith(RepeatedByProperty.Runs.class)
public @interface RepeatedByProperty {
    String PROPERTY = "twin.repeat";

    /** The runs of a {@link RepeatedByProperty} test. */
    final class Runs implements TestTemplateInvocationContextProvider {
        @Override
        public boolean supportsTestTemplate(ExtensionContext context) {
            return context.getTestMethod().map(method -> method.isAnnotationPresent(RepeatedByProperty.class))
                    .orElse(false);
        }

        @Override
        public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
            int runs = Integer.getInteger(PROPERTY, 1);
            if (runs < 1) {
                throw new IllegalArgumentException(PROPERTY + " must be at least 1: " + runs);
            }
            return IntStream.rangeClosed(1, runs).mapToObj(run -> new TestTemplateInvocationContext() {
                @Override
                public String getDisplayName(int invocationIndex) {
                    return "run " + run + " of " + runs;
                }
            });
        }
    }
}
