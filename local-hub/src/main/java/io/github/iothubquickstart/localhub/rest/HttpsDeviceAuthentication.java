package io.github.iothubquickstart.localhub.rest;

import io.github.iothubquickstart.localhub.auth.DeviceAuthenticator;
import io.github.iothubquickstart.localhub.auth.InvalidSasTokenException;
import io.github.iothubquickstart.localhub.auth.SasToken;
import io.github.iothubquickstart.localhub.connections.ConnectedDevices;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.github.iothubquickstart.localhub.tls.PeerCertificates;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who a device request on IoT Hub's HTTPS API comes from, for the identity in its path ({@code deviceId}, and
 * {@code moduleId} where the route has one): its SAS token ({@code Authorization}), checked as an MQTT CONNECT is
 * ({@link DeviceAuthenticator}); without one, the client certificate its connection presented in the TLS handshake
 * (the SDKs' X.509 devices, on 443). A device's token or certificate does nothing for another device (401). A request
 * is activity (lastActivityTime) but never a connection.
 */
final class HttpsDeviceAuthentication {
    private static final Logger LOG = LoggerFactory.getLogger(HttpsDeviceAuthentication.class);

    private final DeviceAuthenticator authenticator;
    private final ConnectedDevices devices;
    private final Clock clock;

    HttpsDeviceAuthentication(DeviceAuthenticator authenticator, ConnectedDevices devices, Clock clock) {
        this.authenticator = authenticator;
        this.devices = devices;
        this.clock = clock;
    }

    /** The identity in the path, authenticated; IoT Hub's 401 otherwise. */
    DeviceAuthenticator.Outcome authenticate(RoutingContext context) {
        String deviceId = context.pathParam("deviceId");
        String moduleId = context.pathParam("moduleId");
        IdentityId identity = moduleId == null ? IdentityId.device(deviceId) : IdentityId.module(deviceId, moduleId);
        String header = context.request().getHeader("Authorization");
        if (header == null) {
            return authenticateCertificate(context, identity);
        }
        DeviceAuthenticator.Outcome outcome;
        try {
            outcome = authenticator.authenticateToken(identity, SasToken.parse(header));
        } catch (InvalidSasTokenException e) {
            throw IotHubErrors.unauthorized("The Authorization header is not a valid SAS token: " + e.getMessage());
        }
        if (!outcome.accepted()) {
            LOG.info("Refused an HTTPS request of {} from {}: {}", identity, context.request().remoteAddress(),
                    outcome.reason());
            throw IotHubErrors.unauthorized(outcome.answer() != null ? outcome.answer()
                    : "The SAS token does not grant " + identity + " (unregistered or disabled,"
                    + " another identity's token, a wrong signature or an expired token).");
        }
        devices.activeWithoutConnection(identity);
        return outcome;
    }

    /** The device in the path (routes without a module), authenticated. */
    IdentityId device(RoutingContext context) {
        return authenticate(context).identity().orElseThrow();
    }

    /** No Authorization header: the connection's TLS client certificate, if it presented one, for the path's identity. */
    private DeviceAuthenticator.Outcome authenticateCertificate(RoutingContext context, IdentityId identity) {
        PeerCertificates peer = PeerCertificates.of(context.request()::sslSession);
        if (peer.isEmpty()) {
            throw IotHubErrors.unauthorized("The Authorization header with the device's SAS token is missing, and the"
                    + " connection presented no client certificate.");
        }
        DeviceAuthenticator.Outcome outcome =
                authenticator.certificates().authenticate(identity, peer.chain(), clock.instant());
        if (!outcome.accepted()) {
            LOG.info("Refused an HTTPS request of {} from {}: {}", identity, context.request().remoteAddress(),
                    outcome.reason());
            throw IotHubErrors.unauthorized("The client certificate does not authenticate " + identity
                    + " (unregistered or disabled, not an X.509 identity, an unknown thumbprint, an untrusted chain,"
                    + " an expired certificate or another identity's).");
        }
        devices.activeWithoutConnection(identity);
        return outcome;
    }
}
