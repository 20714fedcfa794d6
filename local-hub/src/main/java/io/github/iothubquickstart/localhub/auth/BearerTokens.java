package io.github.iothubquickstart.localhub.auth;

/**
 * Tokens that a service request may show as {@code Authorization: Bearer <token>} instead of a SAS token, each
 * granting every service right (the dashboard's). Implemented where the tokens are made, so this room stays
 * protocol-neutral.
 */
public interface BearerTokens {
    /** No bearer token is accepted: SAS tokens only. */
    BearerTokens NONE = token -> false;

    boolean accepts(String token);
}
