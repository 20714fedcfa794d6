package io.github.iothubquickstart.localhub.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebSocketHandshakeTest {
    private static final List<String> SPOKEN = List.of("mqtt", "AMQPWSB10");

    @Test
    void acceptKeyIsTheOneOfRfc6455() {
        // RFC 6455 section 1.3's own example.
        assertThat(WebSocketHandshake.acceptKey("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }

    @Test
    void theAzureDeviceSdksUpgradeIsAccepted() {
        // What Paho (inside the Azure device SDK 2.5.0) sends; its key is not a 16-byte nonce, and that must pass.
        assertThat(WebSocketHandshake.problem(pahoHeaders())).isEmpty();
        assertThat(WebSocketHandshake.chosenSubprotocol(pahoHeaders(), SPOKEN)).hasValue("mqtt");
    }

    @Test
    void theFirstOfferedSubprotocolTheHubSpeaksIsChosen() {
        assertThat(WebSocketHandshake.chosenSubprotocol(pahoHeaders().set("Sec-WebSocket-Protocol", "mqttv3.1, mqtt"),
                SPOKEN)).hasValue("mqtt");
        assertThat(WebSocketHandshake.chosenSubprotocol(pahoHeaders().set("Sec-WebSocket-Protocol", "AMQPWSB10"),
                SPOKEN)).hasValue("AMQPWSB10");
        assertThat(WebSocketHandshake.chosenSubprotocol(pahoHeaders().set("Sec-WebSocket-Protocol", "AMQPWSB10, mqtt"),
                SPOKEN)).hasValue("AMQPWSB10");
        assertThat(WebSocketHandshake.problem(pahoHeaders().set("Connection", "keep-alive, Upgrade"))).isEmpty();
        // The AMQP SDKs' WebSocket layer sends this Connection header.
        assertThat(WebSocketHandshake.problem(pahoHeaders().set("Connection", "Upgrade,Keep-Alive"))).isEmpty();
    }

    @Test
    void noSubprotocolIsChosenWhenNoneOfferedIsSpoken() {
        assertThat(WebSocketHandshake.chosenSubprotocol(pahoHeaders().remove("Sec-WebSocket-Protocol"), SPOKEN)).isEmpty();
        assertThat(WebSocketHandshake.chosenSubprotocol(pahoHeaders().set("Sec-WebSocket-Protocol", "mqttv3.1"), SPOKEN))
                .isEmpty();
        // Subprotocol names are case-sensitive (RFC 6455 section 4.1).
        assertThat(WebSocketHandshake.chosenSubprotocol(pahoHeaders().set("Sec-WebSocket-Protocol", "amqpwsb10"), SPOKEN))
                .isEmpty();
    }

    @Test
    void aPlainGetIsToldToUpgrade() {
        MultiMap plain = MultiMap.caseInsensitiveMultiMap().set("Host", "127.0.0.1");

        assertThat(WebSocketHandshake.problem(plain)).hasValueSatisfying(reason ->
                assertThat(reason).contains("MQTT and AMQP over WebSockets only").contains("Upgrade: websocket"));
    }

    @Test
    void anotherVersionOrNoKeyIsRefused() {
        assertThat(WebSocketHandshake.problem(pahoHeaders().set("Sec-WebSocket-Version", "8")))
                .hasValueSatisfying(reason -> assertThat(reason).contains("version 8").contains("only version 13"));
        assertThat(WebSocketHandshake.problem(pahoHeaders().remove("Sec-WebSocket-Key")))
                .hasValueSatisfying(reason -> assertThat(reason).contains("no Sec-WebSocket-Key"));
    }

    private static MultiMap pahoHeaders() {
        return MultiMap.caseInsensitiveMultiMap()
                .set("Host", "127.0.0.1")
                .set("Upgrade", "websocket")
                .set("Connection", "Upgrade")
                .set("Sec-WebSocket-Key", "bXF0dDMtMTcwMDAwMDAwMA==")
                .set("Sec-WebSocket-Protocol", "mqtt")
                .set("Sec-WebSocket-Version", "13");
    }
}
