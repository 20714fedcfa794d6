package io.github.iothubquickstart.localhub.e2e;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A raw RFC 6455 client over TLS (the hub's CA trusted, host name verified by TLS) for what the SDKs never send: an
 * unknown subprotocol, frames too large, text frames, bytes that are no frame at all. The upgrade is written as the
 * AMQP SDKs' WebSocket layer writes it; {@link #payloads()} reads the server's binary frames as one byte stream.
 */
final class RawWebSocket implements AutoCloseable {
    static final int OPCODE_TEXT = 1;
    static final int OPCODE_BINARY = 2;
    private static final int MAX_HEAD_BYTES = 16 * 1024;

    private final SSLSocket socket;
    private final OutputStream out;
    private final DataInputStream in;
    private final Random masks = new Random(1);
    /** The status line and headers of the server's answer to the upgrade. */
    final String responseHead;
    final int status;
    private Integer closeCode;

    private RawWebSocket(SSLSocket socket, String responseHead) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new DataInputStream(socket.getInputStream());
        this.responseHead = responseHead;
        this.status = Integer.parseInt(responseHead.split(" ", 3)[1]);
    }

    /** Opens TLS to {@code address:port} and asks to upgrade {@code /$iothub/websocket} to {@code subprotocol}. */
    static RawWebSocket open(SSLContext trust, String address, int port, String subprotocol) throws IOException {
        SSLSocket socket = (SSLSocket) trust.getSocketFactory().createSocket();
        try {
            socket.connect(new InetSocketAddress(address, port), 5_000);
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            byte[] key = new byte[16];
            new Random().nextBytes(key);
            String request = "GET https://" + address + "/$iothub/websocket?iothub-no-client-cert=true HTTP/1.1\r\n"
                    + "Connection: Upgrade,Keep-Alive\r\n"
                    + "Upgrade: websocket\r\n"
                    + "Sec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
                    + "Sec-WebSocket-Protocol: " + subprotocol + "\r\n"
                    + "Host: " + address + "\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return new RawWebSocket(socket, readHead(socket.getInputStream()));
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** A header of the upgrade answer, or null. */
    String header(String name) {
        for (String line : responseHead.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    /** The body of a refused upgrade (one that has a Content-Length). */
    String body() throws IOException {
        byte[] body = new byte[Integer.parseInt(header("Content-Length"))];
        in.readFully(body);
        return new String(body, StandardCharsets.UTF_8);
    }

    /** How long a read waits before it fails with a SocketTimeoutException. */
    void readTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    void sendBinary(byte[] payload) throws IOException {
        sendFrame(OPCODE_BINARY, payload);
    }

    /** One final frame, masked as RFC 6455 requires of clients. */
    void sendFrame(int opcode, byte[] payload) throws IOException {
        byte[] mask = sendFrameHead(opcode, payload.length);
        byte[] masked = new byte[payload.length];
        for (int i = 0; i < payload.length; i++) {
            masked[i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        out.write(masked);
        out.flush();
    }

    /** Only the head of a final binary frame announcing {@code length} payload bytes, none of which follow. */
    void announceBinaryFrame(long length) throws IOException {
        sendFrameHead(OPCODE_BINARY, length);
        out.flush();
    }

    private byte[] sendFrameHead(int opcode, long length) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(14);
        head.put((byte) (0x80 | opcode));
        if (length < 126) {
            head.put((byte) (0x80 | length));
        } else if (length <= 0xFFFF) {
            head.put((byte) (0x80 | 126)).putShort((short) length);
        } else {
            head.put((byte) (0x80 | 127)).putLong(length);
        }
        byte[] mask = new byte[4];
        masks.nextBytes(mask);
        head.put(mask);
        out.write(head.array(), 0, head.position());
        return mask;
    }

    /** Bytes as they are, no frame around them. */
    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /**
     * The payloads of the server's binary frames as one stream; it ends at the server's close frame (whose status
     * {@link #closeCode()} then tells) or at the end of the connection.
     */
    InputStream payloads() {
        return new InputStream() {
            private byte[] frame = new byte[0];
            private int position;

            @Override
            public int read() throws IOException {
                while (position == frame.length) {
                    if (!nextBinaryFrame()) {
                        return -1;
                    }
                }
                return frame[position++] & 0xFF;
            }

            private boolean nextBinaryFrame() throws IOException {
                int first;
                try {
                    first = in.readUnsignedByte();
                } catch (EOFException end) {
                    return false;
                }
                int second = in.readUnsignedByte();
                long length = second & 0x7F;
                if (length == 126) {
                    length = in.readUnsignedShort();
                } else if (length == 127) {
                    length = in.readLong();
                }
                byte[] payload = new byte[Math.toIntExact(length)];
                in.readFully(payload);
                int opcode = first & 0x0F;
                if (opcode == 8) {
                    closeCode = payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
                    return false;
                }
                frame = opcode == OPCODE_BINARY || opcode == 0 ? payload : new byte[0];
                position = 0;
                return true;
            }
        };
    }

    /** Reads until the server closes; returns the status of its close frame, or null if it sent none. */
    Integer awaitClose() throws IOException {
        InputStream payloads = payloads();
        try {
            while (payloads.read() >= 0) {
                // drain what came before the close
            }
        } catch (SocketTimeoutException stillOpen) {
            throw stillOpen;
        } catch (IOException closedWithoutFrame) {
            // a reset: the connection is gone all the same
        }
        return closeCode;
    }

    Integer closeCode() {
        return closeCode;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (head.size() < MAX_HEAD_BYTES) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("The server closed the connection during the upgrade: " + head);
            }
            head.write(b);
            String text = head.toString(StandardCharsets.US_ASCII);
            if (text.endsWith("\r\n\r\n")) {
                return text;
            }
        }
        throw new IOException("The upgrade answer's head is longer than " + MAX_HEAD_BYTES + " bytes");
    }
}
