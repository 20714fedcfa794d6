package io.github.iothubquickstart.localhub.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.methods.MethodRequest;
import io.github.iothubquickstart.localhub.testing.PrintableAscii;
import io.github.iothubquickstart.localhub.wire.ProvisioningJson;
import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Coverage-guided fuzzing (Jazzer) of the REST bodies and paths the hub reads from service and device clients: each
 * is either taken or refused with an {@link IotHubError} of a 4xx status (501 for what the hub does not do) and a
 * message, never another exception (which would be a 500). Inputs under {@code RestBodiesFuzzTargetInputs/<method>/}
 * (bodies the Azure SDKs send) run as regression tests in every build.
 */
class RestBodiesFuzzTarget {

    @FuzzTest
    void methodRequests(byte[] input) {
        MethodRequest request;
        try {
            request = MethodRequestParser.parse(text(input));
        } catch (IotHubError refused) {
            assertRefusal(refused);
            return;
        }
        assertThat(MethodRequestParser.isValidMethodName(request.methodName())).isTrue();
        assertThat(request.responseTimeout()).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(300));
        assertThat(request.connectTimeout()).isBetween(Duration.ZERO, Duration.ofSeconds(300));
        assertThat(request.payload().getBytes(StandardCharsets.UTF_8).length)
                .isLessThanOrEqualTo(MethodRequestParser.MAX_PAYLOAD_BYTES);
    }

    @FuzzTest
    void deviceAndModuleBodies(byte[] input) {
        String body = text(input);
        refusedOnlyAsIotHubError(() -> DeviceJson.parse(body, "dev1"));
        refusedOnlyAsIotHubError(() -> ModuleJson.parse(body, "dev1", "mod1"));
    }

    @FuzzTest
    void twinBodies(byte[] input) {
        refusedOnlyAsIotHubError(() -> TwinRequestBody.parse(text(input)));
    }

    @FuzzTest
    void configurationBodies(byte[] input) {
        String body = text(input);
        refusedOnlyAsIotHubError(() -> ConfigurationJson.parse(body));
        refusedOnlyAsIotHubError(() -> ConfigurationJson.parseContent(body));
    }

    @FuzzTest
    void bulkRegistryBodies(byte[] input) {
        refusedOnlyAsIotHubError(() -> BulkRegistryRoute.parse(text(input)));
    }

    @FuzzTest
    void scheduledJobBodies(byte[] input) {
        refusedOnlyAsIotHubError(() -> JobRequestParser.parse("job1", text(input), Instant.parse("2026-12-01T00:00:00Z")));
    }

    @FuzzTest
    void importExportBodies(byte[] input) {
        String body = text(input);
        refusedOnlyAsIotHubError(() -> ImportExportJobJson.parse(body));
        // A line of the devices.txt an import job reads from the user's blob container.
        refusedOnlyAsIotHubError(() -> new ExportImportDeviceJson().parse(body));
    }

    @FuzzTest
    void provisioningBodies(byte[] input) {
        String body = text(input);
        refusedOnlyAsIotHubError(() -> ProvisioningJson.registerRequest(body));
        refusedOnlyAsIotHubError(() -> EnrollmentJson.individualEnrollment(JsonBodies.requireObject(body, ""), "reg1"));
        refusedOnlyAsIotHubError(() -> EnrollmentJson.enrollmentGroup(JsonBodies.requireObject(body, ""), "group1"));
    }

    @FuzzTest
    void provisioningPaths(byte[] input) {
        String path = text(input);

        Optional<RegistrationPath> parsed = RegistrationPath.parse(path);

        parsed.ifPresent(registration -> {
            assertThat(path).hasSizeLessThanOrEqualTo(RegistrationPath.MAX_PATH_LENGTH).startsWith("/");
            for (String part : Arrays.asList(registration.idScope(), registration.registrationId(),
                    registration.operationId())) {
                if (part != null) {
                    assertThat(part).isNotEmpty().doesNotContain("/");
                    assertThat(PrintableAscii.is(part)).isTrue();
                }
            }
        });
    }

    /** Header lines ({@code name: value}), an empty line, then the body, as a device's HTTPS telemetry arrives. */
    @FuzzTest
    void httpsTelemetry(byte[] input) {
        String text = text(input);
        int split = text.indexOf("\n\n");
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        for (String line : (split < 0 ? text : text.substring(0, split)).split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.add(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
            }
        }
        byte[] body = split < 0 ? new byte[0] : text.substring(split + 2).getBytes(StandardCharsets.UTF_8);

        List<HttpsTelemetry> messages;
        try {
            messages = HttpsTelemetry.fromRequest(headers, body);
        } catch (IotHubError refused) {
            assertRefusal(refused);
            return;
        }
        assertThat(messages).isNotEmpty();
        for (HttpsTelemetry message : messages) {
            assertThat(message.body().length).isLessThanOrEqualTo(HttpsTelemetry.MAX_MESSAGE_BYTES);
            assertThat(message.applicationProperties().size() + message.systemProperties().size())
                    .isLessThanOrEqualTo(HttpsTelemetry.MAX_PROPERTIES + 16);
        }
    }

    private static void refusedOnlyAsIotHubError(Runnable parse) {
        try {
            parse.run();
        } catch (IotHubError refused) {
            assertRefusal(refused);
        }
    }

    static void assertRefusal(IotHubError refused) {
        assertThat(refused.httpStatus()).satisfiesAnyOf(
                status -> assertThat(status).isBetween(400, 499), status -> assertThat(status).isEqualTo(501));
        assertThat(refused.getMessage()).isNotBlank();
    }

    private static String text(byte[] input) {
        return new String(input, StandardCharsets.UTF_8);
    }
}
