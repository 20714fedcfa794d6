package io.github.iothubquickstart.localhub.mqtt;

import java.util.Optional;

/**
 * Every IoT Hub MQTT topic rule in one place: which filters a device may subscribe to, which topics it may publish
 * on, and the topics the hub publishes to it. Parsers return empty for anything that is not IoT Hub's.
 */
public final class DeviceTopics {
    static final String METHODS_FILTER = "$iothub/methods/POST/#";
    static final String TWIN_RESPONSES_FILTER = "$iothub/twin/res/#";
    static final String TWIN_DESIRED_FILTER = "$iothub/twin/PATCH/properties/desired/#";
    private static final String METHOD_REQUEST_PREFIX = "$iothub/methods/POST/";
    private static final String METHOD_RESPONSE_PREFIX = "$iothub/methods/res/";
    private static final String REQUEST_ID_MARKER = "/?$rid=";

    /** What a device may subscribe to. */
    public enum Subscription { CLOUD_TO_DEVICE, METHODS, TWIN_RESPONSES, TWIN_DESIRED }

    /** A device's answer to a direct method call: {@code $iothub/methods/res/<status>/?$rid=<id>}. */
    public record MethodResponseTopic(int status, String requestId) {
    }

    private DeviceTopics() {
    }

    public static Optional<Subscription> subscription(String filter, String deviceId) {
        if (filter.equals(cloudToDeviceFilter(deviceId))) {
            return Optional.of(Subscription.CLOUD_TO_DEVICE);
        }
        return switch (filter) {
            case METHODS_FILTER -> Optional.of(Subscription.METHODS);
            case TWIN_RESPONSES_FILTER -> Optional.of(Subscription.TWIN_RESPONSES);
            case TWIN_DESIRED_FILTER -> Optional.of(Subscription.TWIN_DESIRED);
            default -> Optional.empty();
        };
    }

    /** The property bag of a telemetry topic ({@code devices/<id>/messages/events/<bag>}), or empty if it is none. */
    public static Optional<String> telemetryPropertyBag(String topic, String deviceId) {
        String prefix = telemetryPrefix(deviceId);
        if (topic.startsWith(prefix)) {
            return Optional.of(topic.substring(prefix.length()));
        }
        // The SDKs always send the trailing slash, but MQTT clients written by hand often do not.
        if (topic.equals(prefix.substring(0, prefix.length() - 1))) {
            return Optional.of("");
        }
        return Optional.empty();
    }

    public static Optional<MethodResponseTopic> methodResponse(String topic) {
        if (!topic.startsWith(METHOD_RESPONSE_PREFIX)) {
            return Optional.empty();
        }
        String rest = topic.substring(METHOD_RESPONSE_PREFIX.length());
        int marker = rest.indexOf(REQUEST_ID_MARKER);
        if (marker <= 0) {
            return Optional.empty();
        }
        String statusText = rest.substring(0, marker);
        String requestId = rest.substring(marker + REQUEST_ID_MARKER.length());
        if (statusText.length() > 9 || !statusText.chars().allMatch(Character::isDigit)
                || requestId.isEmpty() || requestId.contains("&") || requestId.contains("/")) {
            return Optional.empty();
        }
        return Optional.of(new MethodResponseTopic(Integer.parseInt(statusText), requestId));
    }

    public static String methodRequest(String methodName, String requestId) {
        return METHOD_REQUEST_PREFIX + methodName + REQUEST_ID_MARKER + requestId;
    }

    static String cloudToDeviceFilter(String deviceId) {
        return "devices/" + deviceId + "/messages/devicebound/#";
    }

    private static String telemetryPrefix(String deviceId) {
        return "devices/" + deviceId + "/messages/events/";
    }
}
