package io.github.iothubquickstart.localhub.auth;

import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.registry.DeviceIds;
import io.github.iothubquickstart.localhub.registry.DeviceRegistry;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether an MQTT CONNECT (or an AMQP put-token: {@link #authenticateToken}) may become a device session:
 * the client id names a registered, enabled device, the user name names this hub and that device, and the password
 * is a SAS token for {@code <host>/devices/<id>} signed with one of the device's keys and not expired.
 */
public final class DeviceAuthenticator {
    static final int MAX_CREDENTIAL_LENGTH = 4096;

    private final DeviceRegistry registry;
    private final SasVerifier verifier;
    private final Set<String> hubHostNames;

    /** Why a device was let in or not; the reason goes to the hub's log, never to the device. */
    public record Outcome(Optional<DeviceIdentity> device, String reason) {
        static Outcome refused(String reason) {
            return new Outcome(Optional.empty(), reason);
        }

        public boolean accepted() {
            return device.isPresent();
        }
    }

    public DeviceAuthenticator(DeviceRegistry registry, SasVerifier verifier, Set<String> hubHostNames) {
        this.registry = registry;
        this.verifier = verifier;
        this.hubHostNames = Set.copyOf(hubHostNames);
    }

    public Outcome authenticate(String clientId, String username, String password) {
        if (clientId == null || !DeviceIds.isValid(clientId)) {
            return Outcome.refused("client id is not a valid device id");
        }
        if (username == null || password == null) {
            return Outcome.refused("no user name or password (a SAS token is required)");
        }
        if (username.length() > MAX_CREDENTIAL_LENGTH || password.length() > MAX_CREDENTIAL_LENGTH) {
            return Outcome.refused("user name or password too long");
        }
        String hostName = hostNameOf(username, clientId);
        if (hostName == null) {
            return Outcome.refused("user name is not <hub host name>/" + clientId + "/?api-version=...");
        }
        SasToken token;
        try {
            token = SasToken.parse(password);
        } catch (InvalidSasTokenException e) {
            return Outcome.refused("password is not a valid SAS token: " + e.getMessage());
        }
        return check(clientId, hostName, token);
    }

    /**
     * Whether {@code token} grants device {@code deviceId}, whatever carried it (an AMQP put-token, for one): the
     * device is registered and enabled, and the token is for {@code <this hub>/devices/<deviceId>}, signed with one of
     * the device's keys and not expired.
     */
    public Outcome authenticateToken(String deviceId, SasToken token) {
        if (deviceId == null || !DeviceIds.isValid(deviceId)) {
            return Outcome.refused("not a valid device id");
        }
        String hostName = hubHostNames.stream()
                .filter(name -> SasVerifier.sameResource(token.resource(), name + "/devices/" + deviceId))
                .findFirst()
                .orElse(null);
        if (hostName == null) {
            return Outcome.refused("SAS token is for " + token.resource() + ", not <hub host name>/devices/" + deviceId);
        }
        return check(deviceId, hostName, token);
    }

    private Outcome check(String deviceId, String hostName, SasToken token) {
        Optional<DeviceIdentity> device = registry.findDevice(deviceId);
        if (device.isEmpty()) {
            return Outcome.refused("device is not registered");
        }
        if (!device.get().enabled()) {
            return Outcome.refused("device is disabled");
        }
        String audience = hostName + "/devices/" + deviceId;
        SasCheck check = verifier.check(token, audience,
                List.of(device.get().primaryKey(), device.get().secondaryKey()));
        return check == SasCheck.VALID
                ? new Outcome(device, "valid SAS token")
                : Outcome.refused(describe(check, audience));
    }

    private String hostNameOf(String username, String deviceId) {
        for (String hostName : hubHostNames) {
            String prefix = hostName + "/" + deviceId + "/";
            if (username.regionMatches(true, 0, prefix, 0, prefix.length())) {
                return hostName;
            }
        }
        return null;
    }

    private static String describe(SasCheck check, String audience) {
        return switch (check) {
            case EXPIRED -> "SAS token expired";
            case WRONG_RESOURCE -> "SAS token is not for " + audience;
            case BAD_SIGNATURE -> "SAS signature does not match the device's keys";
            case VALID -> "valid SAS token";
        };
    }
}
