package io.github.iothubquickstart.localhub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

/** One line per event, naming the sender as {@code device} or {@code device/module}. */
class MonitorCommandFormatTest {

    @Test
    void aModulesEventIsShownAsDeviceSlashModule() {
        String line = MonitorCommand.format(JsonParser.parseString("{\"enqueuedTime\":\"2026-03-01T08:00:00Z\","
                + "\"deviceId\":\"plant\",\"moduleId\":\"thermometer\",\"properties\":{\"unit\":\"c\"},"
                + "\"body\":{\"t\":19}}").getAsJsonObject());

        assertThat(line).isEqualTo("2026-03-01T08:00:00Z plant/thermometer unit=c {\"t\":19}");
    }

    @Test
    void aDevicesEventIsShownWithItsDeviceId() {
        String line = MonitorCommand.format(JsonParser.parseString("{\"enqueuedTime\":\"2026-03-01T08:00:00Z\","
                + "\"deviceId\":\"plant\",\"properties\":{},\"body\":\"hi\"}").getAsJsonObject());

        assertThat(line).isEqualTo("2026-03-01T08:00:00Z plant \"hi\"");
    }
}
