package io.github.iothubquickstart.localhub.rest;

import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The JSON body of an error, shaped so that every Azure SDK finds IoT Hub's error code where its parser looks:
 * <pre>
 * {"errorCode":404001,"trackingId":"..","message":"..","timestampUtc":"..",
 *  "Message":"ErrorCode:DeviceNotFound;Device d is not registered in this hub.;{\"Message\":\"{\\\"errorCode\\\":404001,..}\",\"ExceptionMessage\":\"\"}",
 *  "ExceptionMessage":"Tracking ID:..-G:0-TimeStamp:12/06/2026 14:00:00"}
 * </pre>
 * IoT Hub itself answers registry errors with {@code "Message":"ErrorCode:<name>;<text>"} and method errors with
 * {@code "Message":"{\"errorCode\":<code>,..}"}; no SDK reads both, so this body carries both:
 * <ul>
 * <li>Node {@code azure-iothub} ({@code Http.parseErrorBody}) splits {@code Message} at {@code ;}: the first part
 * after {@code :} is the code name (DeviceNotFound makes a {@code DeviceNotFoundError}), the second the message.
 * <li>.NET ({@code ExceptionHandlingHelper.GetExceptionCodeAsync}) reads the name from the first {@code ;} part
 * too, and keeps it only if header {@code iothub-errorcode} names the same code.
 * <li>Java ({@code ErrorMessageParser}) follows nested {@code Message}s from the first opening brace of each, then reads
 * {@code errorCode} from the innermost one with the innermost {@code ExceptionMessage} appended: that one is empty
 * so the numeric code survives (404001, not just the HTTP status).
 * </ul>
 * The lower-case fields at the top are for callers that read the body themselves (the dashboard, curl); they come
 * before {@code Message} because .NET binds {@code message} case-insensitively and the last one wins.
 */
final class IotHubErrorBody {
    private static final DateTimeFormatter EXCEPTION_TIMESTAMP =
            DateTimeFormatter.ofPattern("MM/dd/yyyy HH:mm:ss").withZone(ZoneOffset.UTC);

    private IotHubErrorBody() {
    }

    static JsonObject of(IotHubError error, String trackingId, Instant now) {
        JsonObject detail = new JsonObject();
        detail.addProperty("errorCode", error.errorCode());
        detail.addProperty("trackingId", trackingId);
        detail.addProperty("message", error.getMessage());
        detail.addProperty("timestampUtc", now.toString());

        JsonObject javaReadable = new JsonObject();
        javaReadable.addProperty("Message", detail.toString());
        javaReadable.addProperty("ExceptionMessage", "");

        JsonObject body = detail.deepCopy();
        body.addProperty("Message", "ErrorCode:" + IotHubErrors.codeName(error.errorCode()) + ";"
                + summary(error.getMessage()) + ";" + javaReadable);
        body.addProperty("ExceptionMessage", "Tracking ID:" + trackingId + "-G:0-TimeStamp:" + EXCEPTION_TIMESTAMP.format(now));
        return body;
    }

    /** The message as Node shows it: no {@code ;} (Node would cut it there) and no opening brace (Java would parse from it). */
    private static String summary(String message) {
        String text = message == null || message.isBlank() ? "Error." : message;
        return text.replace(';', ',').replace('{', '(').replace('}', ')');
    }
}
