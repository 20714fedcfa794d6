package io.github.iothubquickstart.localhub.e2e;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** One MQTT packet read off a raw socket: its type (the first byte's high nibble) and what follows its length. */
record ReceivedMqttPacket(int type, byte[] body) {
    static final int CONNACK = 2;
    static final int PUBLISH = 3;
    static final int PUBACK = 4;
    static final int SUBACK = 9;

    /** The next packet; {@link EOFException} when the hub closed the connection first. */
    static ReceivedMqttPacket read(InputStream in) throws IOException {
        int first = in.read();
        if (first < 0) {
            throw new EOFException("the hub closed the connection");
        }
        int length = 0;
        int shift = 0;
        int digit;
        do {
            digit = in.read();
            if (digit < 0) {
                throw new EOFException("the hub closed the connection");
            }
            length |= (digit & 0x7F) << shift;
            shift += 7;
        } while ((digit & 0x80) != 0);
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new EOFException("the hub closed the connection within a packet");
        }
        return new ReceivedMqttPacket(first >> 4, body);
    }

    /** The packet id a PUBACK or SUBACK answers. */
    int packetId() {
        return ((body[0] & 0xFF) << 8) | (body[1] & 0xFF);
    }

    /** A PUBLISH's topic. */
    String topic() {
        int length = packetId();
        return new String(body, 2, length, StandardCharsets.UTF_8);
    }
}
