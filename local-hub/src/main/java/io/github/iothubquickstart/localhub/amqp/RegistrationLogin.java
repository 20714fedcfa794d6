package io.github.iothubquickstart.localhub.amqp;

import io.github.iothubquickstart.localhub.auth.InvalidSasTokenException;
import io.github.iothubquickstart.localhub.auth.SasToken;
import io.github.iothubquickstart.localhub.provisioning.AttestedDevice;
import io.github.iothubquickstart.localhub.provisioning.DeviceRegistrations;
import io.github.iothubquickstart.localhub.provisioning.ProvisioningErrors;
import io.vertx.core.Context;
import io.vertx.core.Future;

/**
 * The SASL PLAIN login of a Device Provisioning Service client with a symmetric key, as the provisioning SDKs open
 * it: user {@code {idScope}/registrations/{registrationId}}, password the registration's SAS token. Decided by the
 * provisioning core ({@link DeviceRegistrations#authenticate}: the enrollment's key, or its group's key derived for the
 * registration id) off the event loop; a refusal is SASL's {@code auth} outcome, as DPS answers a wrong key.
 */
final class RegistrationLogin {
    /** Where a granted registration waits for the connection handler. */
    static final String GRANTED = "localhub.dps-registration";

    private final DeviceRegistrations registrations;

    RegistrationLogin(DeviceRegistrations registrations) {
        this.registrations = registrations;
    }

    /** What the connection may do once the login succeeded: register this device until the token expires. */
    record Granted(AttestedDevice device, RegistrationAddress address, long expiresAtEpochSecond) {
    }

    /** Whether the user name is a registration's rather than a hub client's. */
    static boolean isRegistration(SaslPlainResponse plain) {
        return RegistrationAddress.parse(plain.user()).isPresent();
    }

    /**
     * Completes on {@code context} with the grant, or fails with the reason (logged by the core when it refused).
     * Unordered: one slow login does not hold up others on the same event loop.
     */
    Future<Granted> login(Context context, SaslPlainResponse plain) {
        RegistrationAddress address = RegistrationAddress.parse(plain.user()).orElseThrow();
        return context.executeBlocking(() -> {
            AttestedDevice device = registrations.authenticate(address.idScope(), address.registrationId(),
                    plain.password());
            return new Granted(device, address, expiry(plain.password()));
        }, false);
    }

    /** The token's expiry: the core verified the token, so it parses. */
    private static long expiry(String token) {
        try {
            return SasToken.parse(token).expiresAtEpochSecond();
        } catch (InvalidSasTokenException e) {
            throw ProvisioningErrors.unauthorized();
        }
    }
}
