package io.github.iothubquickstart.localhub.amqp;

/**
 * What a token put on $cbs (or a SASL PLAIN login) grants an AMQP connection: until when, and the timer that ends the
 * grant then (-1: none armed). Confined to the connection's event loop.
 */
abstract class TokenGrant {
    long expiresAtEpochSecond;
    long expiryTimer = -1;

    TokenGrant(long expiresAtEpochSecond) {
        this.expiresAtEpochSecond = expiresAtEpochSecond;
    }

    boolean expiredAt(long epochSecond) {
        return epochSecond >= expiresAtEpochSecond;
    }
}
