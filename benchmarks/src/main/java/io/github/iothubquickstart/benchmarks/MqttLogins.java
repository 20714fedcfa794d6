package io.github.iothubquickstart.benchmarks;

import io.github.iothubquickstart.localhub.auth.SasSigner;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.vertx.mqtt.MqttClientOptions;
import java.time.Instant;
import java.util.List;

/** The CONNECT credentials of device number {@code index}. */
interface MqttLogins {
    String API_VERSION = "2021-04-12";

    int count();

    String deviceId(int index);

    void apply(int index, MqttClientOptions options);

    /** IoT Hub's: client id = device id, user name {@code host/id/?api-version=...}, password a SAS token. */
    static MqttLogins sas(String hubHost, List<DeviceIdentity> devices) {
        long expiry = Instant.now().plusSeconds(24 * 3600).getEpochSecond();
        return new MqttLogins() {
            @Override
            public int count() {
                return devices.size();
            }

            @Override
            public String deviceId(int index) {
                return devices.get(index).deviceId();
            }

            @Override
            public void apply(int index, MqttClientOptions options) {
                DeviceIdentity device = devices.get(index);
                options.setClientId(device.deviceId())
                        .setUsername(hubHost + "/" + device.deviceId() + "/?api-version=" + API_VERSION)
                        .setPassword(SasSigner.sign(device.primaryKey(), hubHost + "/devices/" + device.deviceId(),
                                expiry, null));
            }
        };
    }

    /** Mosquitto's: anonymous, with the same client ids. */
    static MqttLogins anonymous(int count) {
        return new MqttLogins() {
            @Override
            public int count() {
                return count;
            }

            @Override
            public String deviceId(int index) {
                return BenchDevices.id(index);
            }

            @Override
            public void apply(int index, MqttClientOptions options) {
                options.setClientId(BenchDevices.id(index));
            }
        };
    }
}
