package io.github.iothubquickstart.localhub.amqp;

import io.github.iothubquickstart.localhub.auth.DeviceAuthenticator;
import io.github.iothubquickstart.localhub.auth.InvalidSasTokenException;
import io.github.iothubquickstart.localhub.auth.SasToken;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Decides a put-token as IoT Hub does for devices: the audience names a device, the token is for that device on this
 * hub, signed with one of its keys and not expired. Why a token was refused goes to the hub's log; the device gets
 * 401 and no more, as from IoT Hub.
 */
final class ClaimsBasedSecurity {
    private static final String DEVICES = "/devices/";

    private final DeviceAuthenticator authenticator;

    /** A device this connection may act as, until its token expires. */
    record Grant(String deviceId, long expiresAtEpochSecond) {
    }

    /** The answer to send, the grant when there is one, and the reason for the log. */
    record Decision(CbsAnswer answer, Grant grant, String reason) {
        static Decision refused(String reason) {
            return new Decision(CbsAnswer.unauthorized("Unauthorized"), null, reason);
        }
    }

    ClaimsBasedSecurity(DeviceAuthenticator authenticator) {
        this.authenticator = authenticator;
    }

    Decision decide(CbsPutToken request) {
        String deviceId = deviceIdOf(request.audience());
        if (deviceId == null) {
            return Decision.refused("audience " + DeviceAddresses.printable(request.audience())
                    + " is not <hub host name>/devices/<device id> (modules do not speak AMQP to the local hub yet)");
        }
        SasToken token;
        try {
            token = SasToken.parse(request.token());
        } catch (InvalidSasTokenException e) {
            return Decision.refused("not a valid SAS token: " + e.getMessage());
        }
        DeviceAuthenticator.Outcome outcome = authenticator.authenticateToken(deviceId, token);
        if (!outcome.accepted()) {
            return Decision.refused(outcome.reason());
        }
        return new Decision(CbsAnswer.OK, new Grant(deviceId, token.expiresAtEpochSecond()), outcome.reason());
    }

    /** {@code host/devices/{id}} (the id percent-encoded or not) to the id; null for anything else. */
    static String deviceIdOf(String audience) {
        int devices = audience.indexOf(DEVICES);
        if (devices <= 0) {
            return null;
        }
        String encodedId = audience.substring(devices + DEVICES.length());
        if (encodedId.isEmpty() || encodedId.contains("/")) {
            return null;
        }
        try {
            // '+' is a literal plus in a device id, not a space.
            return URLDecoder.decode(encodedId.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformedEscape) {
            return null;
        }
    }
}
