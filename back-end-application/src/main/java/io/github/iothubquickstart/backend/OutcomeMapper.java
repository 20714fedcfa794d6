package io.github.iothubquickstart.backend;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.microsoft.azure.sdk.iot.service.exceptions.ErrorCodeDescription;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubBadFormatException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubGatewayTimeoutException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubUnauthorizedException;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * Turns the device's answer, or whatever the SDK threw, into one line for the user and an exit status.
 * Pure: no I/O, so every case is unit-tested with the SDK's real exception types.
 */
public final class OutcomeMapper {

    /** IoT Hub's detailed error codes (see the SDK's ErrorCodeDescription). */
    static final int DEVICE_NOT_ONLINE = 404103;
    static final int DEVICE_NOT_FOUND = 404001;
    static final int GATEWAY_TIMEOUT = 504101;

    private static final Pattern DETAILED_CODE = Pattern.compile("\"errorCode\"\\s*:\\s*(\\d{6})");
    private static final int MAX_DETAIL_LENGTH = 200;

    private final DeviceCreationHint deviceCreation;

    OutcomeMapper(DeviceCreationHint deviceCreation) {
        this.deviceCreation = deviceCreation;
    }

    public Outcome fromResponse(MethodCall call, Integer deviceStatus, String payloadJson) {
        if (deviceStatus == null) {
            return new Outcome(ExitStatus.HUB_ERROR, "error: the hub's answer for device " + call.deviceId()
                    + " carried no device status (payload " + shorten(payloadJson) + "): is this an IoT hub?");
        }
        String answered = "Device " + call.deviceId() + " answered status " + deviceStatus + ": " + payloadJson;
        if (deviceStatus >= 200 && deviceStatus < 300) {
            return new Outcome(ExitStatus.OK, answered);
        }
        return new Outcome(ExitStatus.DEVICE_ERROR, "error: " + answered
                + " (the device refused " + call.methodName() + ": check --method and --payload)");
    }

    public Outcome fromException(MethodCall call, String hub, Throwable failure) {
        if (failure instanceof IotHubException hubError) {
            return fromHubError(call, hub, hubError);
        }
        if (failure instanceof IOException ioError) {
            return fromIoError(call, hub, ioError);
        }
        if (failure instanceof IllegalArgumentException) {
            return new Outcome(ExitStatus.BAD_INPUT, "error: the service SDK rejected the request: "
                    + detail(failure) + ": check --device-id, --method and the connection string");
        }
        return new Outcome(ExitStatus.HUB_ERROR, "error: calling " + call.methodName() + " on device "
                + call.deviceId() + " failed unexpectedly: " + failure.getClass().getSimpleName() + ": "
                + detail(failure));
    }

    private Outcome fromHubError(MethodCall call, String hub, IotHubException error) {
        int code = detailedCode(error);
        ErrorCodeDescription description = error.getErrorCodeDescription();
        if (code == DEVICE_NOT_ONLINE || description == ErrorCodeDescription.DeviceNotOnline) {
            return new Outcome(ExitStatus.DEVICE_OFFLINE, "error: device " + call.deviceId()
                    + " is not connected to the hub (waited " + call.connectTimeoutSeconds()
                    + " s): start the simulated device first, or raise --connect-timeout");
        }
        if (code == DEVICE_NOT_FOUND || description == ErrorCodeDescription.DeviceNotFound) {
            return new Outcome(ExitStatus.DEVICE_UNKNOWN, "error: device " + call.deviceId()
                    + " is not registered in the hub " + hub + ": check --device-id, or create it with '"
                    + deviceCreation.command(hub, call.deviceId()) + "'");
        }
        if (code == GATEWAY_TIMEOUT || error instanceof IotHubGatewayTimeoutException) {
            return new Outcome(ExitStatus.TIMEOUT, "error: device " + call.deviceId() + " did not answer "
                    + call.methodName() + " within " + call.responseTimeoutSeconds()
                    + " s: check that the device is running and handles it, or raise --response-timeout");
        }
        if (error instanceof IotHubUnauthorizedException || code == 401 || code / 1000 == 401) {
            return new Outcome(ExitStatus.AUTHENTICATION_FAILED, "error: the hub " + hub
                    + " rejected the credentials (" + code + "): check SharedAccessKeyName and SharedAccessKey"
                    + " in the connection string (use a policy with 'service connect', e.g. 'service')");
        }
        if (error instanceof IotHubBadFormatException) {
            return new Outcome(ExitStatus.BAD_INPUT, "error: the hub rejected the request as malformed (" + code
                    + "): " + hubMessage(error) + ": check --method, --payload and the timeouts");
        }
        return new Outcome(ExitStatus.HUB_ERROR, "error: the hub " + hub + " answered with error " + code
                + " (" + description + "): " + hubMessage(error));
    }

    private Outcome fromIoError(MethodCall call, String hub, IOException error) {
        Throwable unknownHost = find(error, UnknownHostException.class);
        if (unknownHost != null) {
            return new Outcome(ExitStatus.HUB_UNREACHABLE, "error: cannot reach the hub: unknown host "
                    + hostOnly(hub) + ": check HostName in the connection string");
        }
        Throwable tls = find(error, SSLException.class);
        if (tls != null) {
            return new Outcome(ExitStatus.HUB_UNREACHABLE, "error: TLS handshake with the hub " + hub + " failed ("
                    + detail(tls) + "): the hub's certificate is not trusted or does not match its host name");
        }
        SocketTimeoutException timeout = find(error, SocketTimeoutException.class);
        if (timeout != null) {
            String message = String.valueOf(timeout.getMessage()).toLowerCase(Locale.ROOT);
            if (message.contains("connect")) {
                return new Outcome(ExitStatus.HUB_UNREACHABLE, "error: cannot reach the hub " + hub
                        + ": connecting timed out: check HostName and your network");
            }
            return new Outcome(ExitStatus.TIMEOUT, "error: no answer from the hub " + hub + " within "
                    + SdkMethodCaller.readTimeoutSeconds(call) + " s for " + call.methodName() + " on device "
                    + call.deviceId() + ": try again, or raise --response-timeout");
        }
        Throwable socket = find(error, SocketException.class);
        if (socket != null) {
            return new Outcome(ExitStatus.HUB_UNREACHABLE, "error: cannot reach the hub " + hub + " ("
                    + detail(socket) + "): check HostName and that the hub is running");
        }
        return new Outcome(ExitStatus.HUB_UNREACHABLE, "error: communication with the hub " + hub + " failed ("
                + error.getClass().getSimpleName() + ": " + detail(error) + "): check HostName and your network");
    }

    /** The 6-digit code (404103) when the hub gave one; the SDK sometimes keeps only the HTTP status (404). */
    static int detailedCode(IotHubException error) {
        int code = error.getErrorCode();
        if (code >= 100_000) {
            return code;
        }
        if (error.getMessage() != null) {
            Matcher matcher = DETAILED_CODE.matcher(error.getMessage());
            if (matcher.find()) {
                return Integer.parseInt(matcher.group(1));
            }
        }
        return code;
    }

    /** The hub's own "message" field when its error text is JSON, else the text itself. */
    private static String hubMessage(IotHubException error) {
        String text = error.getMessage();
        if (text == null || text.isBlank()) {
            return "no details";
        }
        int start = text.indexOf('{');
        int end = text.lastIndexOf('}');
        if (start >= 0 && end > start) {
            try {
                JsonElement parsed = JsonParser.parseString(text.substring(start, end + 1));
                if (parsed.isJsonObject()) {
                    JsonObject object = parsed.getAsJsonObject();
                    if (object.has("message") && object.get("message").isJsonPrimitive()) {
                        return shorten(object.get("message").getAsString());
                    }
                }
            } catch (JsonParseException e) {
                // not JSON after all: show the text
            }
        }
        return shorten(text);
    }

    private static <T extends Throwable> T find(Throwable error, Class<T> type) {
        for (Throwable current = error; current != null; current = current.getCause()) {
            if (type.isInstance(current)) {
                return type.cast(current);
            }
            if (current.getCause() == current) {
                break;
            }
        }
        return null;
    }

    private static String hostOnly(String hub) {
        int colon = hub.lastIndexOf(':');
        return colon < 0 ? hub : hub.substring(0, colon);
    }

    private static String detail(Throwable error) {
        return shorten(error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage());
    }

    private static String shorten(String text) {
        String oneLine = String.valueOf(text).replaceAll("\\s+", " ").trim();
        return oneLine.length() <= MAX_DETAIL_LENGTH ? oneLine : oneLine.substring(0, MAX_DETAIL_LENGTH - 3) + "...";
    }
}
