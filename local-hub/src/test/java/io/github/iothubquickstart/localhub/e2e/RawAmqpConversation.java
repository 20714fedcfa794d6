package io.github.iothubquickstart.localhub.e2e;

import static io.github.iothubquickstart.localhub.e2e.FuzzBytes.concat;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.security.SaslInit;
import org.apache.qpid.proton.amqp.transport.Attach;
import org.apache.qpid.proton.amqp.transport.Begin;
import org.apache.qpid.proton.amqp.transport.Flow;
import org.apache.qpid.proton.amqp.transport.Open;
import org.apache.qpid.proton.amqp.transport.Role;
import org.apache.qpid.proton.amqp.transport.Transfer;
import org.apache.qpid.proton.codec.AMQPDefinedTypes;
import org.apache.qpid.proton.codec.DecoderImpl;
import org.apache.qpid.proton.codec.EncoderImpl;
import org.apache.qpid.proton.message.Message;

/**
 * A device's AMQP bytes written by hand, for the fuzz and WebSocket tests: the SASL exchange, then a whole conversation
 * sent without waiting for the hub (open, begin, a put-token on $cbs, a telemetry link and one message). Proton-J takes
 * no AMQP frames pipelined behind SASL, so a client waits for the SASL answer first ({@link #skipSaslAnswer}), as the
 * Azure SDKs do.
 */
final class RawAmqpConversation {
    private static final byte[] SASL_HEADER = {'A', 'M', 'Q', 'P', 3, 1, 0, 0};
    private static final byte[] AMQP_HEADER = {'A', 'M', 'Q', 'P', 0, 1, 0, 0};

    private RawAmqpConversation() {
    }

    /** Reads the hub's SASL header and its two frames (sasl-mechanisms, sasl-outcome). */
    static void skipSaslAnswer(InputStream hub) throws IOException {
        DataInputStream in = new DataInputStream(hub);
        in.readFully(new byte[8]);
        for (int frame = 0; frame < 2; frame++) {
            int size = in.readInt();
            in.readFully(new byte[size - 4]);
        }
    }

    /** The SASL header and an ANONYMOUS init, as the device SDK sends them. */
    static byte[] saslExchange() {
        SaslInit init = new SaslInit();
        init.setMechanism(Symbol.valueOf("ANONYMOUS"));
        return concat(SASL_HEADER, frame(1, init, new byte[0]));
    }

    /** The SASL header and a PLAIN init ({@code NUL user NUL password}), as Node's azure-iothub sends them. */
    static byte[] saslPlainExchange(String user, String password) {
        SaslInit init = new SaslInit();
        init.setMechanism(Symbol.valueOf("PLAIN"));
        init.setInitialResponse(new Binary(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8)));
        return concat(SASL_HEADER, frame(1, init, new byte[0]));
    }

    /** What an AMQP device sends after SASL, without waiting for the hub: open, begin, put-token, telemetry. */
    static byte[] conversation(String hubHostName, String audience, String token) {
        Message putToken = Message.Factory.create();
        putToken.setMessageId(UUID.randomUUID());
        putToken.setReplyTo("cbs");
        putToken.setApplicationProperties(new ApplicationProperties(Map.of("operation", "put-token",
                "type", "servicebus.windows.net:sastoken", "name", audience)));
        putToken.setBody(new AmqpValue(token));
        Message telemetry = Message.Factory.create();
        telemetry.setBody(new Data(new Binary("{\"t\":1}".getBytes(StandardCharsets.UTF_8))));
        String deviceId = audience.substring(audience.indexOf("/devices/") + "/devices/".length());

        Open open = new Open();
        open.setContainerId("fuzzer");
        open.setHostname(hubHostName);
        Begin begin = new Begin();
        begin.setNextOutgoingId(UnsignedInteger.ZERO);
        begin.setIncomingWindow(UnsignedInteger.valueOf(100));
        begin.setOutgoingWindow(UnsignedInteger.valueOf(100));
        return concat(AMQP_HEADER, frame(0, open, new byte[0]),
                frame(0, begin, new byte[0]),
                frame(0, attach("cbs", 0, "$cbs"), new byte[0]),
                frame(0, transfer(0, 0), encode(putToken)),
                frame(0, attach("telemetry", 1, "/devices/" + deviceId + "/messages/events"), new byte[0]),
                frame(0, transfer(1, 1), encode(telemetry)));
    }

    /**
     * What a Device Provisioning Service client sends after its SASL PLAIN login, without waiting for the hub: open,
     * begin, its receiving and sending links at {@code address} ({@code /{idScope}/registrations/{registrationId}}),
     * credit for the answer and an {@code iotdps-register} request.
     */
    static byte[] registration(String hubHostName, String address, String registrationId) {
        Message register = Message.Factory.create();
        register.setApplicationProperties(new ApplicationProperties(Map.of("iotdps-operation-type",
                "iotdps-register")));
        register.setBody(new Data(new Binary(("{\"registrationId\":\"" + registrationId + "\"}")
                .getBytes(StandardCharsets.UTF_8))));
        Open open = new Open();
        open.setContainerId("dps-fuzzer");
        open.setHostname(hubHostName);
        Begin begin = new Begin();
        begin.setNextOutgoingId(UnsignedInteger.ZERO);
        begin.setIncomingWindow(UnsignedInteger.valueOf(100));
        begin.setOutgoingWindow(UnsignedInteger.valueOf(100));
        Attach answers = new Attach();
        answers.setName("provision_receiver_link");
        answers.setHandle(UnsignedInteger.ZERO);
        answers.setRole(Role.RECEIVER);
        Source from = new Source();
        from.setAddress(address);
        answers.setSource(from);
        answers.setTarget(new Target());
        Flow credit = new Flow();
        credit.setNextIncomingId(UnsignedInteger.ZERO);
        credit.setIncomingWindow(UnsignedInteger.valueOf(100));
        credit.setNextOutgoingId(UnsignedInteger.ZERO);
        credit.setOutgoingWindow(UnsignedInteger.valueOf(100));
        credit.setHandle(UnsignedInteger.ZERO);
        credit.setDeliveryCount(UnsignedInteger.ZERO);
        credit.setLinkCredit(UnsignedInteger.valueOf(10));
        return concat(AMQP_HEADER, frame(0, open, new byte[0]), frame(0, begin, new byte[0]),
                frame(0, answers, new byte[0]), frame(0, credit, new byte[0]),
                frame(0, attach("provision_sender_link", 1, address), new byte[0]),
                frame(0, transfer(1, 0), encode(register)));
    }

    /**
     * {@code count} more telemetry messages on the telemetry link of {@link #conversation} (delivery ids from
     * {@code firstDeliveryId}, the first free one being 2), sent whatever credit the hub granted.
     */
    static byte[] telemetryTransfers(int firstDeliveryId, int count) {
        Message telemetry = Message.Factory.create();
        telemetry.setBody(new Data(new Binary("{\"t\":1}".getBytes(StandardCharsets.UTF_8))));
        byte[] encoded = encode(telemetry);
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            Transfer transfer = transfer(1, firstDeliveryId + i);
            transfer.setDeliveryTag(new Binary(ByteBuffer.allocate(4).putInt(firstDeliveryId + i).array()));
            frames.writeBytes(frame(0, transfer, encoded));
        }
        return frames.toByteArray();
    }

    /**
     * A fault request on the telemetry link of {@link #conversation}, as the SDKs' {@code ErrorInjectionHelper} builds
     * it (delivery id {@code deliveryId}, the first free one being 2).
     */
    static byte[] faultRequest(int deliveryId, String faultType, int delayInSeconds) {
        Message request = Message.Factory.create();
        request.setApplicationProperties(new ApplicationProperties(Map.of("AzIoTHub_FaultOperationType", faultType,
                "AzIoTHub_FaultOperationCloseReason", "Boom",
                "AzIoTHub_FaultOperationDelayInSecs", String.valueOf(delayInSeconds),
                "AzIoTHub_FaultOperationDurationInSecs", "5")));
        request.setBody(new Data(new Binary(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8))));
        Transfer transfer = transfer(1, deliveryId);
        transfer.setDeliveryTag(new Binary(ByteBuffer.allocate(4).putInt(deliveryId).array()));
        return frame(0, transfer, encode(request));
    }

    /**
     * What an Event Hubs receiver sends after SASL PLAIN: open, a begin with an unbounded incoming window, a receiver
     * link on {@code source} (no filter: from the start) and a flow granting it {@code credit}.
     */
    static byte[] eventHubsReceiver(String hubHostName, String source, int credit) {
        Open open = new Open();
        open.setContainerId("slow-reader");
        open.setHostname(hubHostName);
        Begin begin = new Begin();
        begin.setNextOutgoingId(UnsignedInteger.ZERO);
        begin.setIncomingWindow(UnsignedInteger.MAX_VALUE);
        begin.setOutgoingWindow(UnsignedInteger.valueOf(100));
        Attach attach = new Attach();
        attach.setName("receiver");
        attach.setHandle(UnsignedInteger.ZERO);
        attach.setRole(Role.RECEIVER);
        Source from = new Source();
        from.setAddress(source);
        attach.setSource(from);
        attach.setTarget(new Target());
        Flow flow = new Flow();
        flow.setNextIncomingId(UnsignedInteger.ZERO);
        flow.setIncomingWindow(UnsignedInteger.MAX_VALUE);
        flow.setNextOutgoingId(UnsignedInteger.ZERO);
        flow.setOutgoingWindow(UnsignedInteger.valueOf(100));
        flow.setHandle(UnsignedInteger.ZERO);
        flow.setDeliveryCount(UnsignedInteger.ZERO);
        flow.setLinkCredit(UnsignedInteger.valueOf(credit));
        return concat(AMQP_HEADER, frame(0, open, new byte[0]), frame(0, begin, new byte[0]),
                frame(0, attach, new byte[0]), frame(0, flow, new byte[0]));
    }

    private static Attach attach(String name, int handle, String address) {
        Attach attach = new Attach();
        attach.setName(name);
        attach.setHandle(UnsignedInteger.valueOf(handle));
        attach.setRole(Role.SENDER);
        attach.setSource(new Source());
        Target target = new Target();
        target.setAddress(address);
        attach.setTarget(target);
        attach.setInitialDeliveryCount(UnsignedInteger.ZERO);
        return attach;
    }

    private static Transfer transfer(int handle, int deliveryId) {
        Transfer transfer = new Transfer();
        transfer.setHandle(UnsignedInteger.valueOf(handle));
        transfer.setDeliveryId(UnsignedInteger.valueOf(deliveryId));
        transfer.setDeliveryTag(new Binary(new byte[] {(byte) deliveryId}));
        transfer.setMessageFormat(UnsignedInteger.ZERO);
        transfer.setSettled(false);
        return transfer;
    }

    /** One frame: size, data offset 2, type (0 AMQP, 1 SASL), channel 0, the performative, then the payload. */
    private static byte[] frame(int type, Object performative, byte[] payload) {
        DecoderImpl decoder = new DecoderImpl();
        EncoderImpl encoder = new EncoderImpl(decoder);
        AMQPDefinedTypes.registerAllTypes(decoder, encoder);
        ByteBuffer body = ByteBuffer.allocate(64 * 1024);
        encoder.setByteBuffer(body);
        encoder.writeObject(performative);
        body.put(payload);
        body.flip();
        ByteBuffer frame = ByteBuffer.allocate(8 + body.remaining());
        frame.putInt(8 + body.remaining()).put((byte) 2).put((byte) type).putShort((short) 0).put(body);
        return frame.array();
    }

    private static byte[] encode(Message message) {
        byte[] buffer = new byte[64 * 1024];
        int length = message.encode(buffer, 0, buffer.length);
        return Arrays.copyOf(buffer, length);
    }
}
