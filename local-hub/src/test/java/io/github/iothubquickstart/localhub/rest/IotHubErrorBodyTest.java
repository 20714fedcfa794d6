package io.github.iothubquickstart.localhub.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubConflictException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubExceptionManager;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubGatewayTimeoutException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubPreconditionFailedException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubBadFormatException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubTooManyRequestsException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubUnauthorizedException;
import com.microsoft.azure.sdk.iot.service.transport.http.HttpResponse;
import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each error body read the way each SDK reads it: the Java service SDK's own parser (the real classes), and Node's
 * and .NET's parsers as their sources spell them ({@code Http.parseErrorBody} in azure-iothub,
 * {@code ExceptionHandlingHelper.GetExceptionCodeAsync} in Microsoft.Azure.Devices).
 */
class IotHubErrorBodyTest {
    private static final Instant NOW = Instant.parse("2026-12-06T14:00:00Z");

    static Stream<Arguments> errors() {
        return Stream.of(
                Arguments.of(IotHubErrors.deviceNotFound("dev-1"), IotHubNotFoundException.class, "DeviceNotFound"),
                Arguments.of(IotHubErrors.moduleNotFound("dev-1", "m"), IotHubNotFoundException.class, "ModuleNotFound"),
                Arguments.of(IotHubErrors.deviceNotOnline("dev-1"), IotHubNotFoundException.class, "DeviceNotOnline"),
                Arguments.of(IotHubErrors.deviceAlreadyExists("dev-1"), IotHubConflictException.class, "DeviceAlreadyExists"),
                Arguments.of(IotHubErrors.moduleAlreadyExists("dev-1", "m"), IotHubConflictException.class,
                        "ModuleAlreadyExistsOnDevice"),
                Arguments.of(IotHubErrors.preconditionFailed("etag"), IotHubPreconditionFailedException.class,
                        "PreconditionFailed"),
                Arguments.of(IotHubErrors.argumentInvalid("bad {\"json\"}; really"), IotHubBadFormatException.class,
                        "ArgumentInvalid"),
                Arguments.of(IotHubErrors.unauthorized("no"), IotHubUnauthorizedException.class, "IotHubUnauthorizedAccess"),
                Arguments.of(IotHubErrors.throttled("slow down"), IotHubTooManyRequestsException.class, "ThrottlingException"),
                Arguments.of(IotHubErrors.gatewayTimeout("dev-1", 5), IotHubGatewayTimeoutException.class, "GatewayTimeout"));
    }

    @ParameterizedTest
    @MethodSource("errors")
    void theJavaServiceSdkThrowsItsTypedExceptionWithTheFullErrorCode(IotHubError error, Class<? extends IotHubException> type,
                                                                      String name) {
        String body = IotHubErrorBody.of(error, "track-1", NOW).toString();
        HttpResponse response = new HttpResponse(error.httpStatus(), new byte[0], Map.of(), body.getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> IotHubExceptionManager.httpResponseVerification(response))
                .isExactlyInstanceOf(type)
                .satisfies(e -> assertThat(((IotHubException) e).getErrorCode()).isEqualTo(error.errorCode()))
                .hasMessageContaining("\"errorCode\":" + error.errorCode());
    }

    @ParameterizedTest
    @MethodSource("errors")
    void nodeFindsTheCodeNameAndTheMessage(IotHubError error, Class<?> ignored, String name) {
        String message = message(error);
        // azure-iothub Http.parseErrorBody: parts = Message.split(';'); code = parts[0].split(':')[1]; message = parts[1]
        String[] parts = message.split(";", -1);

        assertThat(parts[0].split(":")[1]).isEqualTo(name);
        assertThat(parts[1]).isEqualTo(error.getMessage().replace(';', ',').replace('{', '(').replace('}', ')'));
    }

    @ParameterizedTest
    @MethodSource("errors")
    void dotNetFindsTheSameCodeNameInTheBodyAsInTheHeader(IotHubError error, Class<?> ignored, String name) {
        // ExceptionHandlingHelper: Message is not JSON, so the first ';' field "ErrorCode:<name>" gives the code, which
        // counts only if header iothub-errorcode names the same one.
        String firstField = message(error).split(";")[0];

        assertThat(firstField).isEqualTo("ErrorCode:" + name);
        assertThat(IotHubErrors.codeName(error.errorCode())).isEqualTo(name);
    }

    @Test
    void rawHttpCallersStillFindTheCodeAndMessageAtTheTopAndTheTrackingIdAsIotHubWritesIt() {
        JsonObject body = IotHubErrorBody.of(IotHubErrors.deviceNotFound("dev-1"), "track-1", NOW);

        assertThat(body.get("errorCode").getAsInt()).isEqualTo(404001);
        assertThat(body.get("message").getAsString()).isEqualTo("Device dev-1 is not registered in this hub.");
        assertThat(body.get("ExceptionMessage").getAsString()).isEqualTo("Tracking ID:track-1-G:0-TimeStamp:12/06/2026 14:00:00");
        assertThat(body.keySet()).containsSubsequence("message", "Message");
    }

    private static String message(IotHubError error) {
        return JsonParser.parseString(IotHubErrorBody.of(error, "track-1", NOW).toString()).getAsJsonObject()
                .get("Message").getAsString();
    }
}
