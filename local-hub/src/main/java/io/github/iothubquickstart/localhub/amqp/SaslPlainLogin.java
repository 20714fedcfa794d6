package io.github.iothubquickstart.localhub.amqp;

import io.github.iothubquickstart.localhub.auth.InvalidSasTokenException;
import io.github.iothubquickstart.localhub.auth.SasToken;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import java.util.Locale;
import java.util.Optional;

/**
 * A SASL PLAIN login as IoT Hub takes it (Node's {@code azure-iothub} service client, older device SDKs): user name
 * {@code <policy>@sas.root.<hub name>} for a back-end or {@code <device id>@sas.<hub name>} for a device, password a
 * SAS token. It is decided as the put-token of that token for that identity would be ({@link ClaimsBasedSecurity}):
 * same checks, same claim, expiring with the token.
 */
final class SaslPlainLogin {
    static final int MAX_RESPONSE_BYTES = SaslPlainResponse.MAX_BYTES;
    private static final String SERVICE_SUFFIX = "@sas.root.";
    private static final String DEVICE_SUFFIX = "@sas.";

    private final String hubName;
    private final ClaimsBasedSecurity security;

    SaslPlainLogin(String hubName, ClaimsBasedSecurity security) {
        this.hubName = hubName;
        this.security = security;
    }

    /** The decision on a PLAIN initial response ({@code [authzid] NUL authcid NUL password}, RFC 4616). */
    ClaimsBasedSecurity.Decision decide(byte[] response) {
        if (response.length > MAX_RESPONSE_BYTES) {
            return ClaimsBasedSecurity.Decision.refused("the SASL PLAIN response is longer than " + MAX_RESPONSE_BYTES
                    + " bytes");
        }
        Optional<SaslPlainResponse> plain = SaslPlainResponse.parse(response);
        if (plain.isEmpty()) {
            return ClaimsBasedSecurity.Decision.refused("not a SASL PLAIN response (authzid NUL user NUL password)");
        }
        return decide(plain.get());
    }

    /** The decision on a PLAIN login already split into user and password. */
    ClaimsBasedSecurity.Decision decide(SaslPlainResponse plain) {
        String user = plain.user();
        String password = plain.password();
        SasToken token;
        try {
            token = SasToken.parse(password);
        } catch (InvalidSasTokenException e) {
            return ClaimsBasedSecurity.Decision.refused("the password is not a valid SAS token: " + e.getMessage());
        }
        Optional<String> policy = nameBefore(user, SERVICE_SUFFIX);
        if (policy.isPresent()) {
            if (!policy.get().equals(token.keyName().orElse(null))) {
                return ClaimsBasedSecurity.Decision.refused("user " + DeviceAddresses.printable(user)
                        + " names another policy than the SAS token's skn");
            }
            // A back-end's audience is the hub itself: the token's resource, which the policy check requires.
            return security.decide(new CbsPutToken(null, token.resource(), password));
        }
        Optional<String> deviceId = nameBefore(user, DEVICE_SUFFIX);
        if (deviceId.isEmpty()) {
            return ClaimsBasedSecurity.Decision.refused("user " + DeviceAddresses.printable(user)
                    + " is not <policy>@sas.root." + hubName + " nor <device id>@sas." + hubName);
        }
        IdentityId tokenIdentity = ClaimsBasedSecurity.identityOf(token.resource());
        if (tokenIdentity == null || !tokenIdentity.deviceId().equals(deviceId.get())) {
            return ClaimsBasedSecurity.Decision.refused("user " + DeviceAddresses.printable(user)
                    + " and the SAS token's resource " + DeviceAddresses.printable(token.resource())
                    + " name different devices");
        }
        return security.decide(new CbsPutToken(null, token.resource(), password));
    }

    /** The name in {@code <name><suffix><this hub's name>}; the hub name is case-insensitive, as a host name. */
    private Optional<String> nameBefore(String user, String suffix) {
        String expectedEnd = (suffix + hubName).toLowerCase(Locale.ROOT);
        if (!user.toLowerCase(Locale.ROOT).endsWith(expectedEnd) || user.length() == expectedEnd.length()) {
            return Optional.empty();
        }
        return Optional.of(user.substring(0, user.length() - expectedEnd.length()));
    }
}
