package io.github.iothubquickstart.localhub.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

class WebSocketHandshakeTest {
    @Test
    void acceptKeyIsTheOneOfRfc6455() {
        // RFC 6455 section 1.3's own example.
        assertThat(WebSocketHandshake.acceptKey("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }

    @Test
    void theAzureDeviceSdksUpgradeIsAccepted() {
        // What Paho (inside the Azure device SDK 2.5.0) sends; its key is not a 16-byte nonce, and that must pass.
        assertThat(WebSocketHandshake.problem(pahoHeaders())).isEmpty();
    }

    @Test
    void mqttAmongSeveralOfferedSubprotocolsIsAccepted() {
        assertThat(WebSocketHandshake.problem(pahoHeaders().set("Sec-WebSocket-Protocol", "mqttv3.1, mqtt"))).isEmpty();
        assertThat(WebSocketHandshake.problem(pahoHeaders().set("Connection", "keep-alive, Upgrade"))).isEmpty();
    }

    @Test
    void aPlainGetIsToldToUpgrade() {
        MultiMap plain = MultiMap.caseInsensitiveMultiMap().set("Host", "127.0.0.1");

        assertThat(WebSocketHandshake.problem(plain)).hasValueSatisfying(reason ->
                assertThat(reason).contains("MQTT over WebSockets only").contains("Upgrade: websocket"));
    }

    @Test
    void withoutTheMqttSubprotocolOrWithAnotherVersionTheUpgradeIsRefused() {
        assertThat(WebSocketHandshake.problem(pahoHeaders().remove("Sec-WebSocket-Protocol")))
                .hasValueSatisfying(reason -> assertThat(reason).contains("subprotocol 'mqtt'"));
        assertThat(WebSocketHandshake.problem(pahoHeaders().set("Sec-WebSocket-Protocol", "mqttv3.1")))
                .hasValueSatisfying(reason -> assertThat(reason).contains("subprotocol 'mqtt'"));
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
