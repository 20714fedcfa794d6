package io.github.iothubquickstart.localhub.amqp;

import io.github.iothubquickstart.localhub.auth.DeviceAuthenticator;
import io.github.iothubquickstart.localhub.auth.ServiceAuthenticator;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.github.iothubquickstart.localhub.registry.SharedAccessPolicy;
import io.github.iothubquickstart.localhub.auth.InvalidSasTokenException;
import io.github.iothubquickstart.localhub.auth.SasToken;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Decides a put-token as IoT Hub does. A device's token: the audience names the device, the token is for that device
 * on this hub, signed with one of its keys and not expired. A module's the same with
 * {@code <host>/devices/<id>/modules/<mid>} and the module's own keys, under that audience or its device's (where the
 * device SDK puts it): it grants that module only. A service's token (the service SDK's messaging clients):
 * the audience is the hub itself and the token one of its shared access policies'; what the policy may do is checked
 * when a link attaches. An Event Hubs client's token: the audience is {@code amqp://<hub host>/<path>} (or
 * {@code sb://}) with a path one of the hub's service nodes covers, and the token is for exactly that audience. Why a
 * token was refused goes to the hub's log; the client gets 401 and no more, as from IoT Hub.
 */
final class ClaimsBasedSecurity {
    private static final String DEVICES = "/devices/";
    private static final Pattern ENCODED_SLASH = Pattern.compile("%2[Ff]");
    private static final String MODULES = "/modules/";
    private static final Set<String> SERVICE_SCHEMES = Set.of("amqp", "amqps", "sb");

    private final DeviceAuthenticator devices;
    private final ServiceAuthenticator services;
    private final Predicate<String> servicePaths;

    /** What a valid token lets the connection act as, until it expires. */
    sealed interface Claim {
        long expiresAtEpochSecond();

        /**
         * The connection may act as this device, or this module of a device.
         *
         * @param generationId the identity's generation id as authenticated, stamped on its telemetry as IoT Hub does
         */
        record Device(IdentityId identity, String generationId, long expiresAtEpochSecond) implements Claim {
        }

        /** The connection holds this policy's rights (a back-end). */
        record Service(SharedAccessPolicy policy, long expiresAtEpochSecond) implements Claim {
        }
    }

    /** The answer to send, the claim when there is one, and the reason for the log. */
    record Decision(CbsAnswer answer, Claim claim, String reason) {
        static Decision refused(String reason) {
            return new Decision(CbsAnswer.unauthorized("Unauthorized"), null, reason);
        }

        /** Refused with {@code outcome}'s reason, answering with its words for the client when it has some. */
        static Decision refused(DeviceAuthenticator.Outcome outcome) {
            return outcome.answer() == null ? refused(outcome.reason())
                    : new Decision(CbsAnswer.unauthorized(outcome.answer()), null, outcome.reason());
        }
    }

    ClaimsBasedSecurity(DeviceAuthenticator devices, ServiceAuthenticator services) {
        this(devices, services, path -> false);
    }

    /**
     * @param devices      null where devices may not authenticate (the Event Hubs endpoint's plain listener)
     * @param servicePaths which paths of an {@code amqp://<host>/<path>} audience name something of this hub
     */
    ClaimsBasedSecurity(DeviceAuthenticator devices, ServiceAuthenticator services, Predicate<String> servicePaths) {
        this.devices = devices;
        this.services = services;
        this.servicePaths = servicePaths;
    }

    /** The same decisions, with other service paths. */
    ClaimsBasedSecurity withServicePaths(Predicate<String> paths) {
        return new ClaimsBasedSecurity(devices, services, paths);
    }

    /** The same decisions, for devices only where {@code devicesAllowed}. */
    ClaimsBasedSecurity withDevices(boolean devicesAllowed) {
        return new ClaimsBasedSecurity(devicesAllowed ? devices : null, services, servicePaths);
    }

    Decision decide(CbsPutToken request) {
        SasToken token;
        try {
            token = SasToken.parse(request.token());
        } catch (InvalidSasTokenException e) {
            return Decision.refused("not a valid SAS token: " + e.getMessage());
        }
        String audience = withSlashesDecoded(request.audience());
        if (audience.contains("://")) {
            return decideServiceUri(audience, token);
        }
        if (!audience.contains(DEVICES)) {
            return decideService(audience, token);
        }
        if (devices == null) {
            return Decision.refused("devices do not connect on this listener (it serves the Event Hubs-compatible"
                    + " endpoint only)");
        }
        IdentityId identity = identityOf(audience);
        if (identity == null) {
            return Decision.refused("audience " + DeviceAddresses.printable(audience)
                    + " is not <hub host name>/devices/<device id>[/modules/<module id>]");
        }
        IdentityId tokenIdentity = identityOf(token.resource());
        if (!identity.isModule() && tokenIdentity != null && tokenIdentity.isModule()
                && tokenIdentity.deviceId().equals(identity.deviceId())) {
            // The device SDK's ModuleClient puts its module's token under its device's audience: it grants the module.
            identity = tokenIdentity;
        }
        DeviceAuthenticator.Outcome outcome = devices.authenticateToken(identity, token);
        if (!outcome.accepted()) {
            return Decision.refused(outcome);
        }
        return new Decision(CbsAnswer.OK, new Claim.Device(identity, outcome.generationId(),
                token.expiresAtEpochSecond()), outcome.reason());
    }

    /**
     * A device or module that logs in with the connection's TLS client certificate {@code chain} (leaf first) instead
     * of a token: the Azure SDKs' X.509 devices on AMQP, which open no $cbs link. The claim lasts as long as the leaf.
     */
    Decision decideCertificate(IdentityId identity, List<X509Certificate> chain, Instant now) {
        if (devices == null) {
            return Decision.refused("devices do not connect on this listener (it serves the Event Hubs-compatible"
                    + " endpoint only)");
        }
        DeviceAuthenticator.Outcome outcome = devices.certificates().authenticate(identity, chain, now);
        if (!outcome.accepted()) {
            return Decision.refused(outcome.reason());
        }
        return new Decision(CbsAnswer.OK, new Claim.Device(identity, outcome.generationId(),
                outcome.expiresAtEpochSecond()), outcome.reason());
    }

    /**
     * The Node device SDK puts its token's {@code sr} as it stands in the token, percent-encoded as a whole
     * ({@code <host>%2Fdevices%2F<id>}), where the Java SDK encodes only the ids; IoT Hub takes both. An audience
     * without a slash gets its encoded slashes back, so that both read alike (ids are decoded later, once: an id's own
     * {@code %} is {@code %25} there, so no id can turn into a slash).
     */
    static String withSlashesDecoded(String audience) {
        if (audience.indexOf('/') >= 0) {
            return audience;
        }
        return ENCODED_SLASH.matcher(audience).replaceAll("/");
    }

    /** The service SDK puts its token with the hub's host name as the audience, and the token is for that name. */
    private Decision decideService(String audience, SasToken token) {
        if (!audience.equalsIgnoreCase(token.resource())) {
            return Decision.refused("audience " + DeviceAddresses.printable(audience) + " is not the token's resource "
                    + DeviceAddresses.printable(token.resource()));
        }
        return policyDecision(services.authenticateToken(token), token);
    }

    private static Decision policyDecision(ServiceAuthenticator.PolicyOutcome outcome, SasToken token) {
        if (!outcome.accepted()) {
            return Decision.refused(outcome.reason());
        }
        return new Decision(CbsAnswer.OK,
                new Claim.Service(outcome.policy().get(), token.expiresAtEpochSecond()), outcome.reason());
    }
    /** An Event Hubs client's audience: {@code amqp://<hub host>[:port]/<path>}, the token for that very audience. */
    private Decision decideServiceUri(String audience, SasToken token) {
        int schemeEnd = audience.indexOf("://");
        String scheme = audience.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        String rest = audience.substring(schemeEnd + 3);
        int slash = rest.indexOf('/');
        String hostAndPort = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash + 1);
        int colon = hostAndPort.lastIndexOf(':');
        String host = colon > 0 && !hostAndPort.endsWith("]") ? hostAndPort.substring(0, colon) : hostAndPort;
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (!SERVICE_SCHEMES.contains(scheme) || !services.isHubHostName(host) || !servicePaths.test(path)) {
            return Decision.refused("audience " + DeviceAddresses.printable(audience) + " names nothing of this hub"
                    + " (amqp://<hub host name>/<hub name>[/ConsumerGroups/<group>/Partitions/<id>])");
        }
        if (!audience.equalsIgnoreCase(token.resource())) {
            return Decision.refused("audience " + DeviceAddresses.printable(audience) + " is not the token's resource "
                    + DeviceAddresses.printable(token.resource()));
        }
        return policyDecision(services.authenticateEventHubsToken(token), token);
    }

    /**
     * {@code host/devices/{id}} to the device, {@code host/devices/{id}/modules/{mid}} to the module (ids
     * percent-encoded or not); null for anything else.
     */
    static IdentityId identityOf(String audience) {
        int devices = audience.indexOf(DEVICES);
        if (devices <= 0) {
            return null;
        }
        String path = audience.substring(devices + DEVICES.length());
        int modules = path.indexOf(MODULES);
        String deviceId = decoded(modules < 0 ? path : path.substring(0, modules));
        if (modules < 0) {
            return deviceId == null ? null : IdentityId.device(deviceId);
        }
        String moduleId = decoded(path.substring(modules + MODULES.length()));
        return deviceId == null || moduleId == null ? null : IdentityId.module(deviceId, moduleId);
    }

    private static String decoded(String encodedId) {
        if (encodedId.isEmpty() || encodedId.contains("/")) {
            return null;
        }
        try {
            // '+' is a literal plus in an id, not a space.
            return URLDecoder.decode(encodedId.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformedEscape) {
            return null;
        }
    }
}
