package io.github.iothubquickstart.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.device.ConnectionStatusChangeContext;
import com.microsoft.azure.sdk.iot.device.IotHubConnectionStatusChangeReason;
import com.microsoft.azure.sdk.iot.device.transport.IotHubConnectionStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ConnectionStatusPrinterTest {

    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final ConnectionStatusPrinter printer =
            new ConnectionStatusPrinter(new PrintStream(buffer, true, StandardCharsets.UTF_8));

    @Test
    void printsStatusAndReason() {
        printer.onStatusChanged(new ConnectionStatusChangeContext(IotHubConnectionStatus.CONNECTED,
                IotHubConnectionStatus.DISCONNECTED, IotHubConnectionStatusChangeReason.CONNECTION_OK, null, null));

        assertThat(buffer.toString(StandardCharsets.UTF_8).trim())
                .isEqualTo("Connection status: CONNECTED (reason: CONNECTION_OK)");
    }

    @Test
    void printsTheCauseOnOneLine() {
        printer.onStatusChanged(new ConnectionStatusChangeContext(IotHubConnectionStatus.DISCONNECTED_RETRYING,
                IotHubConnectionStatus.CONNECTED, IotHubConnectionStatusChangeReason.NO_NETWORK,
                new IOException("Connection lost\nbroken pipe"), null));

        assertThat(buffer.toString(StandardCharsets.UTF_8).trim()).isEqualTo(
                "Connection status: DISCONNECTED_RETRYING (reason: NO_NETWORK): Connection lost broken pipe");
    }
}
