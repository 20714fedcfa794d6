package io.github.iothubquickstart.localhub.rest;

import java.util.Optional;

/**
 * A Device Provisioning Service device path, as the provisioning SDKs' HTTPS transport requests it:
 * {@code /{idScope}/registrations/{registrationId}/register} (PUT) or
 * {@code /{idScope}/registrations/{registrationId}/operations/{operationId}} (GET). Segments are taken as they
 * arrive, percent-decoded once; whether the scope, registration and operation exist is the provisioning core's.
 */
record RegistrationPath(String idScope, String registrationId, String operationId) {
    /** A registration id is at most 128 characters, an operation id GUID-like: far below this. */
    static final int MAX_PATH_LENGTH = 1024;
    private static final String REGISTRATIONS = "registrations";

    /** Whether this is the register path (no operation id) rather than an operation's status. */
    boolean isRegister() {
        return operationId == null;
    }

    /** The path's parts, or empty when it is neither DPS device path. */
    static Optional<RegistrationPath> parse(String path) {
        if (path == null || path.length() > MAX_PATH_LENGTH || !path.startsWith("/")) {
            return Optional.empty();
        }
        String[] segments = path.substring(1).split("/", -1);
        if (segments.length < 4 || !REGISTRATIONS.equals(segments[1])) {
            return Optional.empty();
        }
        Optional<String> idScope = decoded(segments[0]);
        Optional<String> registrationId = decoded(segments[2]);
        if (idScope.isEmpty() || registrationId.isEmpty()) {
            return Optional.empty();
        }
        if (segments.length == 4 && "register".equals(segments[3])) {
            return Optional.of(new RegistrationPath(idScope.get(), registrationId.get(), null));
        }
        if (segments.length == 5 && "operations".equals(segments[3])) {
            return decoded(segments[4])
                    .map(operationId -> new RegistrationPath(idScope.get(), registrationId.get(), operationId));
        }
        return Optional.empty();
    }

    /** One percent-decoded segment of printable ASCII (no slash once decoded); empty when it is not one. */
    private static Optional<String> decoded(String segment) {
        if (segment.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder text = new StringBuilder(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%') {
                if (i + 2 >= segment.length()) {
                    return Optional.empty();
                }
                int high = Character.digit(segment.charAt(i + 1), 16);
                int low = Character.digit(segment.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    return Optional.empty();
                }
                c = (char) (high * 16 + low);
                i += 2;
            }
            if (c <= 0x20 || c >= 0x7f || c == '/') {
                return Optional.empty();
            }
            text.append(c);
        }
        return Optional.of(text.toString());
    }
}
