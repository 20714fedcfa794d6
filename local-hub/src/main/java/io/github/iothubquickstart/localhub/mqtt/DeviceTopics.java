package io.github.iothubquickstart.localhub.mqtt;

import io.github.iothubquickstart.localhub.registry.IdentityId;
import java.util.Optional;

/**
 * Every IoT Hub MQTT topic rule in one place: which filters a device may subscribe to, which topics it may publish
 * on, and the topics the hub publishes to it. Parsers return empty for anything that is not IoT Hub's.
 */
public final class DeviceTopics {
    private static final Optional<String> NO_PROPERTIES = Optional.of("");
    static final String METHODS_FILTER = "$iothub/methods/POST/#";
    static final String TWIN_RESPONSES_FILTER = "$iothub/twin/res/#";
    static final String TWIN_DESIRED_FILTER = "$iothub/twin/PATCH/properties/desired/#";
    private static final String METHOD_REQUEST_PREFIX = "$iothub/methods/POST/";
    private static final String METHOD_RESPONSE_PREFIX = "$iothub/methods/res/";
    private static final String REQUEST_ID_MARKER = "/?$rid=";
    private static final String TWIN_GET_PREFIX = "$iothub/twin/GET/?";
    private static final String TWIN_PATCH_REPORTED_PREFIX = "$iothub/twin/PATCH/properties/reported/?";
    private static final String TWIN_RESPONSE_PREFIX = "$iothub/twin/res/";
    private static final String TWIN_DESIRED_PREFIX = "$iothub/twin/PATCH/properties/desired/?$version=";
    private static final int MAX_REQUEST_ID_LENGTH = 128;
    /** Enough for any twin version, few enough to fit in a long. */
    private static final int MAX_VERSION_DIGITS = 18;

    /** What a device may subscribe to. */
    public enum Subscription { CLOUD_TO_DEVICE, METHODS, TWIN_RESPONSES, TWIN_DESIRED }

    /** A device's answer to a direct method call: {@code $iothub/methods/res/<status>/?$rid=<id>}. */
    public record MethodResponseTopic(int status, String requestId) {
    }

    /** What a device asks of its twin. */
    public enum TwinOperation { GET, PATCH_REPORTED }

    /**
     * A device's twin request: {@code $iothub/twin/GET/?$rid=<id>} or
     * {@code $iothub/twin/PATCH/properties/reported/?$rid=<id>[&$version=<n>]}; {@code baseVersion} is that
     * {@code $version} (the reported version the device last read), null when absent.
     */
    public record TwinRequestTopic(TwinOperation operation, String requestId, Long baseVersion) {

        public TwinRequestTopic(TwinOperation operation, String requestId) {
            this(operation, requestId, null);
        }
    }

    private DeviceTopics() {
    }

    public static Optional<TwinRequestTopic> twinRequest(String topic) {
        TwinOperation operation;
        String query;
        if (topic.startsWith(TWIN_GET_PREFIX)) {
            operation = TwinOperation.GET;
            query = topic.substring(TWIN_GET_PREFIX.length());
        } else if (topic.startsWith(TWIN_PATCH_REPORTED_PREFIX)) {
            operation = TwinOperation.PATCH_REPORTED;
            query = topic.substring(TWIN_PATCH_REPORTED_PREFIX.length());
        } else {
            return Optional.empty();
        }
        String requestId = null;
        String versionText = null;
        for (String parameter : query.split("&", -1)) {
            if (parameter.startsWith("$rid=")) {
                requestId = parameter.substring("$rid=".length());
            } else if (parameter.startsWith("$version=") && operation == TwinOperation.PATCH_REPORTED) {
                versionText = parameter.substring("$version=".length());
            }
        }
        if (requestId == null || requestId.isEmpty() || requestId.length() > MAX_REQUEST_ID_LENGTH
                || !requestId.chars().allMatch(DeviceTopics::isRequestIdCharacter)) {
            return Optional.empty();
        }
        if (versionText != null && !isVersion(versionText)) {
            return Optional.empty();
        }
        return Optional.of(new TwinRequestTopic(operation, requestId,
                versionText == null ? null : Long.parseLong(versionText)));
    }

    /**
     * Printable ASCII but what ends or splits the parameter, and the wildcards: the hub names the request id in its
     * answer's topic, and a topic name with {@code +} or {@code #} is no topic name (MQTT-4.7.1-1).
     */
    private static boolean isRequestIdCharacter(int c) {
        return c > 0x20 && c < 0x7f && c != '/' && c != '&' && c != '?' && c != '+' && c != '#';
    }

    private static boolean isVersion(String text) {
        return !text.isEmpty() && text.length() <= MAX_VERSION_DIGITS && text.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /** The hub's answer to a twin request; {@code version} (of the reported properties) only after a patch. */
    public static String twinResponse(int status, String requestId, Long version) {
        return TWIN_RESPONSE_PREFIX + status + REQUEST_ID_MARKER + requestId
                + (version == null ? "" : "&$version=" + version);
    }

    /** Where the hub sends a desired-properties change. */
    public static String desiredPropertiesPatch(long version) {
        return TWIN_DESIRED_PREFIX + version;
    }

    public static Optional<Subscription> subscription(String filter, String deviceId) {
        return subscription(filter, IdentityId.device(deviceId));
    }

    /** As {@link #subscription(String, String)}; a module's own topics are under {@code devices/<id>/modules/<mid>/}. */
    public static Optional<Subscription> subscription(String filter, IdentityId identity) {
        if (filter.equals(cloudToDeviceFilter(identity))) {
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
        return telemetryPropertyBag(topic, IdentityId.device(deviceId));
    }

    /** As {@link #telemetryPropertyBag(String, String)}; a module sends on {@code devices/<id>/modules/<mid>/messages/events/}. */
    public static Optional<String> telemetryPropertyBag(String topic, IdentityId identity) {
        return propertyBagAfter(topic, telemetryPrefix(identity));
    }

    /**
     * As {@link #telemetryPropertyBag(String, IdentityId)} with the identity's {@link #telemetryPrefix} worked out
     * once per connection rather than once per message.
     */
    public static Optional<String> propertyBagAfter(String topic, String telemetryPrefix) {
        if (topic.startsWith(telemetryPrefix)) {
            if (topic.length() == telemetryPrefix.length()) {
                return NO_PROPERTIES;
            }
            String bag = topic.substring(telemetryPrefix.length());
            // The module client ends its property bag with a slash ({@code .../events/a=b/}); IoT Hub ignores it.
            return Optional.of(bag.endsWith("/") ? bag.substring(0, bag.length() - 1) : bag);
        }
        // The SDKs always send the trailing slash, but MQTT clients written by hand often do not.
        if (topic.length() == telemetryPrefix.length() - 1 && telemetryPrefix.startsWith(topic)) {
            return NO_PROPERTIES;
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

    /** Where the hub sends a device a cloud-to-device message: {@code devices/<id>/messages/devicebound/<bag>}. */
    public static String cloudToDeviceMessage(String deviceId, String propertyBag) {
        return cloudToDeviceMessage(IdentityId.device(deviceId), propertyBag);
    }

    /** {@code devices/<id>/messages/devicebound/<bag>}, or a module's under {@code devices/<id>/modules/<mid>/}. */
    public static String cloudToDeviceMessage(IdentityId identity, String propertyBag) {
        return ownTopics(identity) + "messages/devicebound/" + propertyBag;
    }

    static String cloudToDeviceFilter(IdentityId identity) {
        return ownTopics(identity) + "messages/devicebound/#";
    }

    /** {@code devices/<id>/messages/events/}, or a module's {@code devices/<id>/modules/<mid>/messages/events/}. */
    public static String telemetryPrefix(IdentityId identity) {
        return ownTopics(identity) + "messages/events/";
    }

    /** {@code devices/<id>/}, or for a module {@code devices/<id>/modules/<module id>/}. */
    private static String ownTopics(IdentityId identity) {
        return "devices/" + identity.deviceId() + "/" + (identity.isModule() ? "modules/" + identity.moduleId() + "/" : "");
    }
}
