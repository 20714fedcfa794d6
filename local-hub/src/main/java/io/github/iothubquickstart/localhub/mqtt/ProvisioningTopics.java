package io.github.iothubquickstart.localhub.mqtt;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The Device Provisioning Service's MQTT dialect: the CONNECT user name that tells a DPS client from a hub client,
 * the two request topics and the response topic. Only this class knows their strings.
 *
 * <ul>
 *   <li>user name {@code {idScope}/registrations/{registrationId}/api-version=..&ClientVersion=..}</li>
 *   <li>subscribe {@code $dps/registrations/res/#}</li>
 *   <li>publish {@code $dps/registrations/PUT/iotdps-register/?$rid={rid}} and
 *       {@code $dps/registrations/GET/iotdps-get-operationstatus/?$rid={rid}&operationId={id}}</li>
 *   <li>answers on {@code $dps/registrations/res/{status}/?$rid={rid}[&retry-after={seconds}]}</li>
 * </ul>
 */
final class ProvisioningTopics {
    static final String RESPONSE_FILTER = "$dps/registrations/res/#";
    private static final String REGISTER_PREFIX = "$dps/registrations/PUT/iotdps-register/?";
    private static final String STATUS_PREFIX = "$dps/registrations/GET/iotdps-get-operationstatus/?";
    private static final String REGISTRATIONS = "registrations";
    private static final String API_VERSION = "api-version=";
    /** Request ids and operation ids are short tokens; DPS's operation ids are under 100 characters. */
    static final int MAX_VALUE_LENGTH = 256;

    private ProvisioningTopics() {
    }

    /** A DPS client's CONNECT user name, split. */
    record UserName(String idScope, String registrationId, String parameters) {
    }

    enum Operation { REGISTER, OPERATION_STATUS }

    /** A request topic: its operation, the request id {@code $rid}, and the operation id polled for. */
    record Request(Operation operation, String requestId, String operationId) {
    }

    /**
     * The user name split when it is a DPS client's; empty for anything else (a hub client's
     * {@code {host}/{deviceId}/?api-version=..} has {@code ?} where DPS has {@code api-version=}).
     */
    static Optional<UserName> userName(String username) {
        if (username == null) {
            return Optional.empty();
        }
        String[] parts = username.split("/", 4);
        if (parts.length != 4 || !REGISTRATIONS.equals(parts[1]) || !parts[3].startsWith(API_VERSION)
                || parts[0].isEmpty() || parts[2].isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new UserName(parts[0], parts[2], parts[3]));
    }

    /** The request a topic names, or empty when it is no DPS request topic (or a malformed one). */
    static Optional<Request> request(String topic) {
        if (topic == null) {
            return Optional.empty();
        }
        Operation operation;
        String query;
        if (topic.startsWith(REGISTER_PREFIX)) {
            operation = Operation.REGISTER;
            query = topic.substring(REGISTER_PREFIX.length());
        } else if (topic.startsWith(STATUS_PREFIX)) {
            operation = Operation.OPERATION_STATUS;
            query = topic.substring(STATUS_PREFIX.length());
        } else {
            return Optional.empty();
        }
        Optional<Map<String, String>> parameters = parameters(query);
        if (parameters.isEmpty()) {
            return Optional.empty();
        }
        String requestId = parameters.get().get("$rid");
        String operationId = parameters.get().get("operationId");
        if (requestId == null || (operation == Operation.OPERATION_STATUS) == (operationId == null)) {
            return Optional.empty();
        }
        return Optional.of(new Request(operation, requestId, operationId));
    }

    /** {@code $dps/registrations/res/{status}/?$rid={rid}}, with {@code &retry-after=} when given. */
    static String response(int status, String requestId, Integer retryAfterSeconds) {
        return "$dps/registrations/res/" + status + "/?$rid=" + requestId
                + (retryAfterSeconds == null ? "" : "&retry-after=" + retryAfterSeconds);
    }

    /** name=value pairs separated by {@code &}; each name once, values non-empty printable ASCII without {@code /}. */
    private static Optional<Map<String, String>> parameters(String query) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (query.isEmpty()) {
            return Optional.empty();
        }
        for (String pair : query.split("&", -1)) {
            int equals = pair.indexOf('=');
            if (equals <= 0) {
                return Optional.empty();
            }
            String value = pair.substring(equals + 1);
            if (value.isEmpty() || value.length() > MAX_VALUE_LENGTH || !printableToken(value)
                    || parameters.put(pair.substring(0, equals), value) != null) {
                return Optional.empty();
            }
        }
        return Optional.of(parameters);
    }

    private static boolean printableToken(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '/' || c == '+' || c == '#' || c == '=') {
                return false;
            }
        }
        return true;
    }
}
