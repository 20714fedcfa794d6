package io.github.iothubquickstart.localhub.auth;

import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.registry.AccessRight;
import io.github.iothubquickstart.localhub.registry.DeviceRegistry;
import io.github.iothubquickstart.localhub.registry.SharedAccessPolicy;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks the {@code Authorization} header of a service request: a SAS token for this hub ({@code sr=<host>}),
 * naming a shared access policy ({@code skn}) that holds the right the operation needs, signed with that policy's
 * key and not expired; or {@code Bearer <token>} with a token of {@link BearerTokens} (the dashboard's).
 */
public final class ServiceAuthenticator {
    private static final String BEARER = "Bearer ";

    private final DeviceRegistry registry;
    private final SasVerifier verifier;
    private final Set<String> hubHostNames;
    private final BearerTokens bearerTokens;

    public ServiceAuthenticator(DeviceRegistry registry, SasVerifier verifier, Set<String> hubHostNames) {
        this(registry, verifier, hubHostNames, BearerTokens.NONE);
    }

    public ServiceAuthenticator(DeviceRegistry registry, SasVerifier verifier, Set<String> hubHostNames,
                                BearerTokens bearerTokens) {
        this.registry = registry;
        this.verifier = verifier;
        this.hubHostNames = Set.copyOf(hubHostNames);
        this.bearerTokens = bearerTokens;
    }

    /** Returns when the caller proved it holds {@code required}; throws a 401 {@link IotHubError} otherwise. */
    public void authorize(String authorizationHeader, AccessRight required) {
        authorizeAny(authorizationHeader, EnumSet.of(required));
    }

    /** As {@link #authorize}, for operations that any one of several rights allows (twins: service or registry). */
    public void authorizeAny(String authorizationHeader, Set<AccessRight> anyOf) {
        if (authorizationHeader == null || authorizationHeader.isBlank()) {
            throw IotHubErrors.unauthorized("The Authorization header with a SAS token is missing.");
        }
        if (authorizationHeader.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            if (!bearerTokens.accepts(authorizationHeader.substring(BEARER.length()).trim())) {
                throw IotHubErrors.unauthorized("Unauthorized: the bearer token is not this hub's dashboard token "
                        + "(it changes on every start: open the Dashboard line the hub printed).");
            }
            return;
        }
        SasToken token;
        try {
            token = SasToken.parse(authorizationHeader);
        } catch (InvalidSasTokenException e) {
            throw IotHubErrors.unauthorized("The Authorization header is not a valid SAS token: " + e.getMessage());
        }
        PolicyOutcome outcome = authenticateToken(token);
        if (!outcome.accepted()) {
            throw IotHubErrors.unauthorized(outcome.reason());
        }
        SharedAccessPolicy policy = outcome.policy().get();
        if (anyOf.stream().noneMatch(policy.rights()::contains)) {
            throw IotHubErrors.unauthorized("Unauthorized: policy " + policy.name() + " lacks the "
                    + anyOf.stream().map(Enum::name).sorted().collect(Collectors.joining(" or ")) + " permission.");
        }
    }

    /** Which policy a service token proves, or why it proves none. */
    public record PolicyOutcome(Optional<SharedAccessPolicy> policy, String reason) {
        static PolicyOutcome refused(String reason) {
            return new PolicyOutcome(Optional.empty(), reason);
        }

        public boolean accepted() {
            return policy.isPresent();
        }
    }

    /**
     * Whether {@code token}, whatever carried it (an HTTPS header, an AMQP put-token), is a service token of this hub:
     * for one of its host names, naming one of its policies, signed with that policy's key and not expired. What the
     * policy may do is the caller's to check against {@link SharedAccessPolicy#rights()}.
     */
    public PolicyOutcome authenticateToken(SasToken token) {
        return authenticateToken(token, audienceFor(token.resource()), false);
    }

    /**
     * As {@link #authenticateToken(SasToken)} for an Event Hubs client's token, whose resource the caller has checked
     * names this hub ({@code amqp://<host>/<event hub>/...}) and which is signed as Event Hubs signs (the policy key's
     * text as the HMAC key, {@link SasSigner#signAsEventHubs}).
     */
    public PolicyOutcome authenticateEventHubsToken(SasToken token) {
        return authenticateToken(token, token.resource(), true);
    }

    private PolicyOutcome authenticateToken(SasToken token, String expectedResource, boolean keysAsText) {
        Optional<String> keyName = token.keyName();
        if (keyName.isEmpty()) {
            return PolicyOutcome.refused("The SAS token names no shared access policy (skn).");
        }
        Optional<SharedAccessPolicy> policy = registry.findPolicy(keyName.get());
        if (policy.isEmpty()) {
            return PolicyOutcome.refused("Unauthorized: no shared access policy named " + keyName.get() + ".");
        }
        SasCheck check = verifier.check(token, expectedResource,
                List.of(policy.get().primaryKey(), policy.get().secondaryKey()), keysAsText);
        return switch (check) {
            case VALID -> new PolicyOutcome(policy, "valid SAS token of policy " + keyName.get());
            case EXPIRED -> PolicyOutcome.refused("Unauthorized: the SAS token has expired.");
            case WRONG_RESOURCE -> PolicyOutcome.refused("Unauthorized: the SAS token is not for this hub.");
            case BAD_SIGNATURE -> PolicyOutcome.refused("Unauthorized: the SAS signature does not match.");
        };
    }

    /** Whether {@code hostName} is one of this hub's names (case-insensitive, as DNS names are). */
    public boolean isHubHostName(String hostName) {
        return hubHostNames.stream().anyMatch(name -> name.equalsIgnoreCase(hostName));
    }

    /** The token must be for one of this hub's names; anything else is checked against the first and fails. */
    private String audienceFor(String resource) {
        for (String hostName : hubHostNames) {
            if (hostName.equalsIgnoreCase(resource)) {
                return hostName;
            }
        }
        return hubHostNames.iterator().next();
    }
}
