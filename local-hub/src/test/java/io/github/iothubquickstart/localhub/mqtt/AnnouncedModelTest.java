package io.github.iothubquickstart.localhub.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The model id in a CONNECT user name, as each device SDK writes it. */
class AnnouncedModelTest {

    @Test
    void theJavaSdksUrlEncodedModelIdIsDecoded() {
        // MqttIotHubConnection 2.5.0: api-version, then model-id URL-encoded, then the client type.
        String username = "hub.example/dev-1/?api-version=2020-09-30&model-id=dtmi%3Acom%3Aexample%3AThermostat%3B1"
                + "&DeviceClientType=com.microsoft.azure.sdk.iot.iot-device-client%2F2.5.0";

        assertThat(AnnouncedModel.in(username)).contains("dtmi:com:example:Thermostat;1");
    }

    @Test
    void theNodeSdksModelIdAsItIsIsTakenToo() {
        // azure-iot-device-mqtt 1.16: '&model-id=' + modelId, not encoded.
        String username = "hub.example/dev-1/?api-version=2021-04-12&model-id=dtmi:com:example:Thermostat;1"
                + "&DeviceClientType=azure-iot-device%2F1.18.4";

        assertThat(AnnouncedModel.in(username)).contains("dtmi:com:example:Thermostat;1");
    }

    @Test
    void aUserNameWithoutOneAnnouncesNone() {
        assertThat(AnnouncedModel.in("hub.example/dev-1/?api-version=2020-09-30&DeviceClientType=x")).isEmpty();
        assertThat(AnnouncedModel.in("hub.example/dev-1/?api-version=2020-09-30&model-id=&x=1")).isEmpty();
        assertThat(AnnouncedModel.in("hub.example/dev-1")).isEmpty();
        assertThat(AnnouncedModel.in(null)).isEmpty();
    }

    @Test
    void aBrokenEncodingIsNoModelId() {
        assertThatThrownBy(() -> AnnouncedModel.in("hub.example/dev-1/?api-version=2020-09-30&model-id=dtmi%zz"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aModuleUserNameCarriesItsModelIdTheSameWay() {
        assertThat(AnnouncedModel.in("hub.example/dev-1/sensor/?api-version=2020-09-30&model-id=dtmi%3Aa%3Bb%3B2"))
                .contains("dtmi:a;b;2");
    }
}
