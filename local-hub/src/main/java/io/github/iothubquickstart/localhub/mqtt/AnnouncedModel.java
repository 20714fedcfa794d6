package io.github.iothubquickstart.localhub.mqtt;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The IoT Plug and Play model id in a device's CONNECT user name:
 * {@code {host}/{deviceId}/?api-version=...&model-id=dtmi%3Acom%3Aexample%3AThermostat%3B1&DeviceClientType=...}
 * (the Java SDK URL-encodes it; the Node SDK writes it as it is).
 */
final class AnnouncedModel {
    private static final String PARAMETER = "model-id=";

    private AnnouncedModel() {
    }

    /**
     * The model id the user name announces, decoded; empty when it announces none.
     *
     * @throws IllegalArgumentException when its encoding is broken
     */
    static Optional<String> in(String username) {
        if (username == null) {
            return Optional.empty();
        }
        int query = username.indexOf('?');
        if (query < 0) {
            return Optional.empty();
        }
        for (String parameter : username.substring(query + 1).split("&")) {
            if (parameter.startsWith(PARAMETER)) {
                String value = URLDecoder.decode(parameter.substring(PARAMETER.length()), StandardCharsets.UTF_8);
                return value.isEmpty() ? Optional.empty() : Optional.of(value);
            }
        }
        return Optional.empty();
    }
}
