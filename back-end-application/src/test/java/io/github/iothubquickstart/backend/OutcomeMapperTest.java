package io.github.iothubquickstart.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.google.gson.JsonPrimitive;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubExceptionManager;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubGatewayTimeoutException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubUnauthorizedException;
import com.microsoft.azure.sdk.iot.service.transport.http.HttpResponse;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OutcomeMapperTest {

    private static final String HUB = "myhub.azure-devices.net";
    private static final Path DEFAULT_DATA = Path.of("/home/me/.local-iothub");
    private final OutcomeMapper mapper = new OutcomeMapper(new DeviceCreationHint(DEFAULT_DATA, DEFAULT_DATA));
    private final MethodCall call = new MethodCall("MyJavaDevice", "SetTelemetryInterval", new JsonPrimitive(10), 30, 5);

    /** Runs an HTTP error through the SDK's own mapping, exactly as DirectMethodsClient.invoke does. */
    private static IotHubException hubError(int httpStatus, String body) {
        HttpResponse response = new HttpResponse(httpStatus, new byte[0], Map.of(),
                body.getBytes(StandardCharsets.UTF_8));
        try {
            IotHubExceptionManager.httpResponseVerification(response);
        } catch (IotHubException e) {
            return e;
        }
        return fail("the SDK did not throw for HTTP " + httpStatus);
    }

    private static String azureError(int errorCode, String message, String exceptionMessage) {
        String inner = "{\"errorCode\":" + errorCode + ",\"trackingId\":\"0f1e\",\"message\":\"" + message
                + "\",\"timestampUtc\":\"2026-01-01T00:00:00Z\"}";
        return "{\"Message\":\"" + inner.replace("\"", "\\\"") + "\",\"ExceptionMessage\":\"" + exceptionMessage + "\"}";
    }

    private Outcome failWith(Throwable error) {
        Outcome outcome = mapper.fromException(call, HUB, error);
        assertThat(outcome.message()).startsWith("error: ").doesNotContain("\n", "\r");
        return outcome;
    }

    @Test
    void deviceAnswered2xxIsSuccessOnStdout() {
        Outcome outcome = mapper.fromResponse(call, 200, "{\"telemetryInterval\":10}");

        assertThat(outcome.status()).isEqualTo(ExitStatus.OK);
        assertThat(outcome.message()).isEqualTo("Device MyJavaDevice answered status 200: {\"telemetryInterval\":10}");
        assertThat(mapper.fromResponse(call, 204, "null").status()).isEqualTo(ExitStatus.OK);
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 404, 500, 199})
    void deviceAnsweredAnErrorStatus(int status) {
        Outcome outcome = mapper.fromResponse(call, status, "{\"error\":\"InvalidPayload\"}");

        assertThat(outcome.status()).isEqualTo(ExitStatus.DEVICE_ERROR);
        assertThat(outcome.message()).isEqualTo("error: Device MyJavaDevice answered status " + status
                + ": {\"error\":\"InvalidPayload\"} (the device refused SetTelemetryInterval: check --method and --payload)");
    }

    @Test
    void answerWithoutStatusIsAHubError() {
        assertThat(mapper.fromResponse(call, null, "null").status()).isEqualTo(ExitStatus.HUB_ERROR);
    }

    @Test
    void deviceNotOnlineFromTheHub() {
        IotHubException error = hubError(404, azureError(404103, "Timed out waiting for device to connect.", ""));
        assertThat(error).isInstanceOf(IotHubNotFoundException.class);

        Outcome outcome = failWith(error);

        assertThat(outcome.status()).isEqualTo(ExitStatus.DEVICE_OFFLINE);
        assertThat(outcome.message()).isEqualTo("error: device MyJavaDevice is not connected to the hub (waited 5 s):"
                + " start the simulated device first, or raise --connect-timeout");
    }

    @Test
    void deviceNotOnlineEvenWhenTheSdkKeepsOnlyTheHttpStatus() {
        // With a non-empty ExceptionMessage the SDK cannot parse the inner code and reports 404.
        IotHubException error = hubError(404, azureError(404103, "Timed out", "Tracking ID:0f1e-TimeStamp:01/01/2026"));
        assertThat(error.getErrorCode()).isEqualTo(404);

        assertThat(failWith(error).status()).isEqualTo(ExitStatus.DEVICE_OFFLINE);
    }

    @Test
    void deviceUnknown() {
        Outcome outcome = failWith(hubError(404, azureError(404001, "Device not registered", "")));

        assertThat(outcome.status()).isEqualTo(ExitStatus.DEVICE_UNKNOWN);
        assertThat(outcome.message()).contains("device MyJavaDevice is not registered in the hub " + HUB,
                "check --device-id", "az iot hub device-identity create --device-id MyJavaDevice");
    }

    @Test
    void deviceUnknownToTheLocalHubNamesItsOwnCommandWithTheDataDirectoryWhenNotTheDefault() {
        IotHubException notFound = hubError(404, azureError(404001, "Device not registered", ""));

        assertThat(mapper.fromException(call, "127.0.0.1:8443", notFound).message()).endsWith("create it with"
                + " 'java -jar local-hub/target/local-hub.jar device create MyJavaDevice'");
        OutcomeMapper otherData = new OutcomeMapper(new DeviceCreationHint(Path.of("/tmp/my hub"), DEFAULT_DATA));
        assertThat(otherData.fromException(call, "127.0.0.5", notFound).message()).endsWith("create it with"
                + " 'java -jar local-hub/target/local-hub.jar device create MyJavaDevice --data-dir \"/tmp/my hub\"'");
        assertThat(otherData.fromException(call, HUB, notFound).message()).as("Azure IoT Hub")
                .endsWith("create it with 'az iot hub device-identity create --device-id MyJavaDevice'");
    }

    @Test
    void deviceDidNotAnswerInTime() {
        IotHubException error = hubError(504, azureError(504101, "Timed out waiting for the response from device.", ""));
        assertThat(error).isInstanceOf(IotHubGatewayTimeoutException.class);

        Outcome outcome = failWith(error);

        assertThat(outcome.status()).isEqualTo(ExitStatus.TIMEOUT);
        assertThat(outcome.message()).isEqualTo("error: device MyJavaDevice did not answer SetTelemetryInterval"
                + " within 30 s: check that the device is running and handles it, or raise --response-timeout");
    }

    @Test
    void gatewayTimeoutWithoutDetailIsStillATimeout() {
        assertThat(failWith(new IotHubGatewayTimeoutException("gateway timeout")).status()).isEqualTo(ExitStatus.TIMEOUT);
    }

    @Test
    void unauthorized() {
        IotHubException error = hubError(401, "{\"Message\":\"ErrorCode:IotHubUnauthorizedAccess;Unauthorized\","
                + "\"ExceptionMessage\":\"Tracking ID:0f1e-TimeStamp:01/01/2026\"}");
        assertThat(error).isInstanceOf(IotHubUnauthorizedException.class);

        Outcome outcome = failWith(error);

        assertThat(outcome.status()).isEqualTo(ExitStatus.AUTHENTICATION_FAILED);
        assertThat(outcome.message()).contains("the hub " + HUB + " rejected the credentials",
                "check SharedAccessKeyName and SharedAccessKey");
        assertThat(failWith(new IotHubUnauthorizedException("bad token")).status())
                .isEqualTo(ExitStatus.AUTHENTICATION_FAILED);
    }

    @Test
    void malformedRequestIsBadInput() {
        Outcome outcome = failWith(hubError(400, azureError(400004, "Method name is invalid", "")));

        assertThat(outcome.status()).isEqualTo(ExitStatus.BAD_INPUT);
        assertThat(outcome.message()).contains("(400004): Method name is invalid: check --method");
    }

    @ParameterizedTest
    @ValueSource(ints = {403, 409, 429, 500, 502, 503})
    void otherHubErrorsShowTheHubsMessage(int httpStatus) {
        Outcome outcome = failWith(hubError(httpStatus, azureError(httpStatus * 1000 + 1, "Something went wrong", "")));

        assertThat(outcome.status()).isEqualTo(ExitStatus.HUB_ERROR);
        assertThat(outcome.message()).startsWith("error: the hub " + HUB + " answered with error " + (httpStatus * 1000 + 1))
                .endsWith(": Something went wrong");
    }

    @Test
    void genericNotFoundWithoutDetailIsAHubErrorNotAGuess() {
        Outcome outcome = failWith(hubError(404, ""));

        assertThat(outcome.status()).isEqualTo(ExitStatus.HUB_ERROR);
        assertThat(outcome.message()).contains("answered with error 404");
    }

    @Test
    void connectionRefused() {
        Outcome outcome = failWith(new ConnectException("Connection refused"));

        assertThat(outcome.status()).isEqualTo(ExitStatus.HUB_UNREACHABLE);
        assertThat(outcome.message()).isEqualTo("error: cannot reach the hub " + HUB
                + " (Connection refused): check HostName and that the hub is running");
    }

    @Test
    void unknownHost() {
        Outcome outcome = mapper.fromException(call, "nohub.example:8443", new UnknownHostException("nohub.example"));

        assertThat(outcome.status()).isEqualTo(ExitStatus.HUB_UNREACHABLE);
        assertThat(outcome.message()).isEqualTo(
                "error: cannot reach the hub: unknown host nohub.example: check HostName in the connection string");
    }

    @Test
    void tlsFailure() {
        Outcome outcome = failWith(new SSLHandshakeException("PKIX path building failed"));

        assertThat(outcome.status()).isEqualTo(ExitStatus.HUB_UNREACHABLE);
        assertThat(outcome.message()).contains("TLS handshake with the hub " + HUB + " failed (PKIX path building failed)",
                "certificate is not trusted");
    }

    @Test
    void readTimeoutIsATimeout() {
        Outcome outcome = failWith(new SocketTimeoutException("Read timed out"));

        assertThat(outcome.status()).isEqualTo(ExitStatus.TIMEOUT);
        assertThat(outcome.message()).contains("no answer from the hub " + HUB + " within 45 s");
    }

    @Test
    void connectTimeoutMeansUnreachable() {
        assertThat(failWith(new SocketTimeoutException("Connect timed out")).status())
                .isEqualTo(ExitStatus.HUB_UNREACHABLE);
    }

    @Test
    void causesAreFollowed() {
        assertThat(failWith(new IOException("send failed", new ConnectException("Connection refused"))).status())
                .isEqualTo(ExitStatus.HUB_UNREACHABLE);
        assertThat(failWith(new NoRouteToHostException("No route to host")).message()).contains("No route to host");
        assertThat(failWith(new IOException("stream closed")).status()).isEqualTo(ExitStatus.HUB_UNREACHABLE);
    }

    @Test
    void sdkArgumentErrorsAreBadInput() {
        assertThat(failWith(new IllegalArgumentException("deviceId is empty or null.")).status())
                .isEqualTo(ExitStatus.BAD_INPUT);
    }

    @Test
    void anythingElseIsAHubError() {
        Outcome outcome = failWith(new IllegalStateException("boom"));

        assertThat(outcome.status()).isEqualTo(ExitStatus.HUB_ERROR);
        assertThat(outcome.message()).contains("IllegalStateException: boom");
    }
}
