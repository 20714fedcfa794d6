package io.github.iothubquickstart.localhub.amqp;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** A SASL PLAIN initial response ({@code [authzid] NUL authcid NUL password}, RFC 4616): who, and the password. */
record SaslPlainResponse(String user, String password) {
    /** authzid, authcid and password with their separators: a SAS token and a name fit many times over. */
    static final int MAX_BYTES = 8 * 1024;

    /** The response's user and password; empty when it is too long or not three NUL-separated fields. */
    static Optional<SaslPlainResponse> parse(byte[] response) {
        if (response.length > MAX_BYTES) {
            return Optional.empty();
        }
        String[] fields = new String(response, StandardCharsets.UTF_8).split("\0", -1);
        return fields.length == 3 ? Optional.of(new SaslPlainResponse(fields[1], fields[2])) : Optional.empty();
    }

    @Override
    public String toString() {
        // Never print the password: it is a SAS token, a bearer credential until it expires.
        return "SaslPlainResponse[user=" + DeviceAddresses.printable(user) + "]";
    }
}
