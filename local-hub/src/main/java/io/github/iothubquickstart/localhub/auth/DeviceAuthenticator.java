package io.github.iothubquickstart.localhub.auth;

import io.github.iothubquickstart.localhub.registry.Authentication;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.registry.DeviceIds;
import io.github.iothubquickstart.localhub.registry.DeviceRegistry;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.github.iothubquickstart.localhub.registry.ModuleIdentity;
import io.github.iothubquickstart.localhub.registry.ModuleRegistry;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Decides whether an MQTT CONNECT (or an AMQP put-token: {@link #authenticateToken}) may become a device or module
 * session: the client id names a registered, enabled device ({@code <id>}) or a module of one
 * ({@code <id>/<module id>}, as IoT Hub's module client id), the user name names this hub and that client id, and the
 * password is a SAS token for {@code <host>/devices/<id>} (a module: {@code <host>/devices/<id>/modules/<module id>})
 * signed with one of that identity's own keys and not expired. A module's token may also be signed with one of its
 * device's keys, as IoT Hub takes it (the Java SDK's own end-to-end suite connects every module so): the token still
 * grants that module only. A CONNECT with no password from a client that presented a TLS client certificate is
 * decided by the {@link CertificateAuthenticator} instead ({@link #authenticateCertificate}); an X.509 identity never
 * logs in with a SAS token.
 */
public final class DeviceAuthenticator {
    static final int MAX_CREDENTIAL_LENGTH = 4096;

    private final DeviceRegistry registry;
    private final ModuleRegistry modules;
    private final SasVerifier verifier;
    private final Set<String> hubHostNames;
    private final CertificateAuthenticator certificates;

    /**
     * Why a device was let in or not; the reason goes to the hub's log, never to the device. {@code generationId} is
     * the authenticated device's or module's (null when refused): IoT Hub stamps it on the identity's messages.
     * {@code expiresAtEpochSecond} is when the token that let it in expires (0 when refused): a connection that cannot
     * renew its token (MQTT) ends then. {@code answer} is what the client may be told where its protocol has words (an
     * expired token: when it expired); null for IoT Hub's bare refusal.
     */
    public record Outcome(Optional<IdentityId> identity, String generationId, long expiresAtEpochSecond,
                          String reason, String answer) {
        public Outcome(Optional<IdentityId> identity, String generationId, long expiresAtEpochSecond, String reason) {
            this(identity, generationId, expiresAtEpochSecond, reason, null);
        }

        static Outcome refused(String reason) {
            return new Outcome(Optional.empty(), null, 0, reason);
        }

        public boolean accepted() {
            return identity.isPresent();
        }
    }

    /** An authenticator that trusts no CA: selfSigned identities can still log in with their certificates. */
    public DeviceAuthenticator(DeviceRegistry registry, ModuleRegistry modules, SasVerifier verifier,
                               Set<String> hubHostNames) {
        this(registry, modules, verifier, hubHostNames,
                new CertificateAuthenticator(registry, modules, TrustedCertificateAuthorities.none()));
    }

    public DeviceAuthenticator(DeviceRegistry registry, ModuleRegistry modules, SasVerifier verifier,
                               Set<String> hubHostNames, CertificateAuthenticator certificates) {
        this.registry = registry;
        this.modules = modules;
        this.verifier = verifier;
        this.hubHostNames = Set.copyOf(hubHostNames);
        this.certificates = certificates;
    }

    /** The checks of certificates, for transports that authenticate an identity by its TLS client certificate alone. */
    public CertificateAuthenticator certificates() {
        return certificates;
    }

    /**
     * An MQTT CONNECT without a password, from a client whose TLS handshake presented {@code chain} (leaf first): the
     * client id and user name as for a SAS token ({@link #authenticate}), then the certificate for that identity.
     */
    public Outcome authenticateCertificate(String clientId, String username, List<X509Certificate> chain,
                                           Instant now) {
        IdentityId identity = clientId == null ? null : identityOf(clientId);
        if (identity == null) {
            return Outcome.refused("client id is not a valid device id nor <device id>/<module id>");
        }
        if (username == null || username.length() > MAX_CREDENTIAL_LENGTH || hostNameOf(username, clientId) == null) {
            return Outcome.refused("user name is not <hub host name>/" + clientId + "/?api-version=...");
        }
        return certificates.authenticate(identity, chain, now);
    }

    public Outcome authenticate(String clientId, String username, String password) {
        IdentityId identity = clientId == null ? null : identityOf(clientId);
        if (identity == null) {
            return Outcome.refused("client id is not a valid device id nor <device id>/<module id>");
        }
        if (username == null || password == null) {
            return Outcome.refused("no user name or password (a SAS token; a device that presented a TLS client"
                    + " certificate sends its user name without a password)");
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
        return check(identity, hostName, token);
    }

    /**
     * Whether {@code token} grants device {@code deviceId}, whatever carried it (an AMQP put-token, for one): the
     * device is registered and enabled, and the token is for {@code <this hub>/devices/<deviceId>}, signed with one of
     * the device's keys and not expired.
     */
    public Outcome authenticateToken(String deviceId, SasToken token) {
        if (deviceId == null) {
            return Outcome.refused("not a valid device id");
        }
        return authenticateToken(IdentityId.device(deviceId), token);
    }

    /**
     * As {@link #authenticateToken(String, SasToken)} for a device or a module: a module's token is for
     * {@code <this hub>/devices/<deviceId>/modules/<moduleId>} and signed with one of the module's own keys.
     */
    public Outcome authenticateToken(IdentityId identity, SasToken token) {
        if (!DeviceIds.isValid(identity.deviceId()) || (identity.isModule() && !DeviceIds.isValid(identity.moduleId()))) {
            return Outcome.refused("not a valid device id nor <device id>/<module id>");
        }
        String path = "/devices/" + identity.deviceId()
                + (identity.isModule() ? "/modules/" + identity.moduleId() : "");
        String hostName = hubHostNames.stream()
                .filter(name -> SasVerifier.sameResource(token.resource(), name + path))
                .findFirst()
                .orElse(null);
        if (hostName == null) {
            return Outcome.refused("SAS token is for " + token.resource() + ", not <hub host name>" + path);
        }
        return check(identity, hostName, token);
    }

    private Outcome check(IdentityId identity, String hostName, SasToken token) {
        Optional<DeviceIdentity> device = registry.findDevice(identity.deviceId());
        if (device.isEmpty()) {
            return Outcome.refused("device is not registered");
        }
        if (!device.get().enabled()) {
            return Outcome.refused("device is disabled");
        }
        if (device.get().keys().isEmpty() && !identity.isModule()) {
            return Outcome.refused(x509Only(device.get().authentication()));
        }
        List<String> keys = device.get().keys();
        String generationId = device.get().generationId();
        String audience = hostName + "/devices/" + identity.deviceId();
        if (identity.isModule()) {
            Optional<ModuleIdentity> module = modules.findModule(identity.deviceId(), identity.moduleId());
            if (module.isEmpty()) {
                return Outcome.refused("module is not registered");
            }
            if (module.get().keys().isEmpty()) {
                return Outcome.refused(x509Only(module.get().authentication()));
            }
            // The module's own keys, and its device's: IoT Hub takes a module token signed with either.
            keys = Stream.concat(module.get().keys().stream(), keys.stream()).toList();
            generationId = module.get().generationId();
            audience += "/modules/" + identity.moduleId();
        }
        SasCheck check = verifier.check(token, audience, keys);
        if (check == SasCheck.EXPIRED) {
            Instant now = verifier.now();
            return new Outcome(Optional.empty(), null, 0, ExpiredToken.logReason(token.expiresAtEpochSecond(), now),
                    ExpiredToken.answer(token.expiresAtEpochSecond(), now));
        }
        return check == SasCheck.VALID
                ? new Outcome(Optional.of(identity), generationId, token.expiresAtEpochSecond(), "valid SAS token")
                : Outcome.refused(describe(check, audience));
    }

    /** An X.509 identity has no key to check a SAS token with: it logs in with its certificate only. */
    private static String x509Only(Authentication authentication) {
        return "identity authenticates with an X.509 certificate (" + authentication.type().wireName()
                + "), not a SAS token";
    }

    /** {@code <device id>} or {@code <device id>/<module id>}; null when it is neither. */
    private static IdentityId identityOf(String clientId) {
        int slash = clientId.indexOf('/');
        if (slash < 0) {
            return DeviceIds.isValid(clientId) ? IdentityId.device(clientId) : null;
        }
        String deviceId = clientId.substring(0, slash);
        String moduleId = clientId.substring(slash + 1);
        return DeviceIds.isValid(deviceId) && DeviceIds.isValid(moduleId)
                ? IdentityId.module(deviceId, moduleId) : null;
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
            case BAD_SIGNATURE -> "SAS signature does not match the keys of " + audience;
            case VALID -> "valid SAS token";
        };
    }
}
