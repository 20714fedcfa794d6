package io.github.iothubquickstart.localhub.auth;

/** Outcome of checking a parsed SAS token against a resource and its keys. */
public enum SasCheck {
    VALID,
    EXPIRED,
    WRONG_RESOURCE,
    BAD_SIGNATURE
}
