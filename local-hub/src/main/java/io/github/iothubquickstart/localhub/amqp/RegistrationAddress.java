package io.github.iothubquickstart.localhub.amqp;

import java.util.Optional;

/**
 * Where a Device Provisioning Service client registers over AMQP: {@code {idScope}/registrations/{registrationId}},
 * its SASL PLAIN user name and (with a leading slash from the Java SDK, without from the C# one) the address of both
 * its links. Only the shape is checked here; whether the scope and registration exist is the provisioning core's.
 */
record RegistrationAddress(String idScope, String registrationId) {
    private static final String REGISTRATIONS = "/registrations/";
    /** DPS takes registration ids of at most 128 characters; the ID scope is 11. Room for both, no more. */
    static final int MAX_LENGTH = 300;

    /** A SASL PLAIN user name or a link address of that shape; empty for anything else (a hub client's). */
    static Optional<RegistrationAddress> parse(String address) {
        if (address == null || address.isEmpty() || address.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        String path = address.startsWith("/") ? address.substring(1) : address;
        int registrations = path.indexOf(REGISTRATIONS);
        if (registrations <= 0) {
            return Optional.empty();
        }
        String idScope = path.substring(0, registrations);
        String registrationId = path.substring(registrations + REGISTRATIONS.length());
        if (!isSegment(idScope) || !isSegment(registrationId)) {
            return Optional.empty();
        }
        return Optional.of(new RegistrationAddress(idScope, registrationId));
    }

    /** Whether a link address names this registration (with or without the leading slash). */
    boolean isAddressedBy(String address) {
        return parse(address).filter(this::equals).isPresent();
    }

    /** One path segment of printable ASCII, no slash: what an ID scope and a registration id are made of. */
    private static boolean isSegment(String text) {
        return !text.isEmpty() && text.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '/');
    }

    @Override
    public String toString() {
        return idScope + REGISTRATIONS + registrationId;
    }
}
