package io.github.iothubquickstart.localhub.provisioning;

import io.github.iothubquickstart.localhub.auth.InvalidSasTokenException;
import io.github.iothubquickstart.localhub.auth.SasCheck;
import io.github.iothubquickstart.localhub.auth.SasToken;
import io.github.iothubquickstart.localhub.auth.SasVerifier;
import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.registry.SharedAccessPolicy;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Checks the {@code Authorization} header of a Device Provisioning Service request, as DPS does: a SAS token for the
 * service's host name (the hub's: the local DPS shares it; {@code ProvisioningServiceClient} signs the lower-cased,
 * URL-encoded host name), naming one of the provisioning service's own policies ({@code skn=provisioningserviceowner}),
 * signed with its key, not expired. The hub's policies ({@code iothubowner}...) are not DPS's and are refused.
 */
public final class ProvisioningServiceAuthenticator {
    private final Function<String, Optional<SharedAccessPolicy>> provisioningPolicies;
    private final SasVerifier verifier;
    private final Set<String> hostNames;

    /**
     * @param provisioningPolicies the provisioning service's policies by name (not the hub's)
     * @param hostNames the names the service answers to; a token must be for one of them
     */
    public ProvisioningServiceAuthenticator(Function<String, Optional<SharedAccessPolicy>> provisioningPolicies,
                                            SasVerifier verifier, Set<String> hostNames) {
        if (hostNames.isEmpty()) {
            throw new IllegalArgumentException("the provisioning service needs a host name");
        }
        this.provisioningPolicies = provisioningPolicies;
        this.verifier = verifier;
        this.hostNames = Set.copyOf(hostNames);
    }

    /** Returns when the caller holds a provisioning service policy's key; throws DPS's 401 otherwise. */
    public void authorize(String authorizationHeader) {
        if (authorizationHeader == null || authorizationHeader.isBlank()) {
            throw unauthorized("The Authorization header with a SAS token is missing.");
        }
        SasToken token;
        try {
            token = SasToken.parse(authorizationHeader);
        } catch (InvalidSasTokenException e) {
            throw unauthorized("The Authorization header is not a valid SAS token: " + e.getMessage());
        }
        String keyName = token.keyName()
                .orElseThrow(() -> unauthorized("The SAS token names no shared access policy (skn)."));
        SharedAccessPolicy policy = provisioningPolicies.apply(keyName)
                .orElseThrow(() -> unauthorized("No provisioning service policy is named " + keyName
                        + " (the hub's own policies do not open the provisioning service)."));
        SasCheck check = verifier.check(token, audienceFor(token.resource()), policy.keys());
        switch (check) {
            case VALID -> {
            }
            case EXPIRED -> throw unauthorized("The SAS token has expired.");
            case WRONG_RESOURCE -> throw unauthorized("The SAS token is not for this provisioning service"
                    + " (sr must be its host name).");
            case BAD_SIGNATURE -> throw unauthorized("The SAS signature does not match policy " + keyName + ".");
        }
    }

    /** The token's resource if it is one of the service's names, else the first name (and the check fails). */
    private String audienceFor(String resource) {
        return hostNames.stream().filter(name -> name.equalsIgnoreCase(resource)).findFirst()
                .orElse(hostNames.iterator().next());
    }

    /** DPS's 401002, with the reason: unlike a device, a service caller holding a key learns nothing it should not. */
    private static IotHubError unauthorized(String message) {
        return new IotHubError(401, 401002, message);
    }
}
