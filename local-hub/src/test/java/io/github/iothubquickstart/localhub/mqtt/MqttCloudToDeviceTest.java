package io.github.iothubquickstart.localhub.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.localhub.cloudtodevice.Acknowledgement;
import io.github.iothubquickstart.localhub.cloudtodevice.QueuedMessage;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The topic a cloud-to-device message goes out on, as IoT Hub writes it and the device SDKs read it. */
class MqttCloudToDeviceTest {

    @Test
    void systemPropertiesComeFirstWithAnEncodedDollarThenTheAckAndTheApplicationProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("note", "a b+c&d=e");
        properties.put("command", "setInterval");
        QueuedMessage message = new QueuedMessage(7, "dev1", "1", "mid-1", "cid-1", "user-1", "application/json",
                "utf-8", Acknowledgement.FULL, 0, Instant.parse("2026-03-01T09:00:00Z").toEpochMilli(), 1, properties,
                new byte[0]);

        String topic = MqttCloudToDevice.topic(message);

        // The Java device SDK reads the bag from the first "%24" on.
        assertThat(topic).isEqualTo("devices/dev1/messages/devicebound/%24.mid=mid-1&%24.cid=cid-1&%24.uid=user-1"
                + "&%24.to=%2Fdevices%2Fdev1%2Fmessages%2FdeviceBound&%24.exp=2026-03-01T09%3A00%3A00Z"
                + "&%24.ct=application%2Fjson&%24.ce=utf-8&iothub-ack=full&note=a%20b%2Bc%26d%3De&command=setInterval");
        PropertyBag parsed = PropertyBag.parse(topic.substring("devices/dev1/messages/devicebound/".length())).orElseThrow();
        assertThat(parsed.applicationProperties()).containsEntry("note", "a b+c&d=e").containsEntry("iothub-ack", "full");
        assertThat(parsed.systemProperties()).containsEntry("$.mid", "mid-1");
    }

    @Test
    void aMessageWithoutAnAckRequestNamesNoAck() {
        QueuedMessage message = new QueuedMessage(8, "dev1", "1", "mid-2", null, null, null, null,
                Acknowledgement.NONE, 0, Instant.parse("2026-03-01T09:00:00Z").toEpochMilli(), 1, Map.of("a", "1"),
                new byte[0]);

        String topic = MqttCloudToDevice.topic(message);

        assertThat(topic).doesNotContain("iothub-ack").endsWith("&a=1");
    }
}
