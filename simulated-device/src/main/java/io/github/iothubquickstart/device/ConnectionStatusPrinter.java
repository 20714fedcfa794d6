package io.github.iothubquickstart.device;

import com.microsoft.azure.sdk.iot.device.ConnectionStatusChangeContext;
import com.microsoft.azure.sdk.iot.device.IotHubConnectionStatusChangeCallback;
import java.io.PrintStream;

/** Prints every connection status change with its reason, so hub restarts and retries are visible. */
final class ConnectionStatusPrinter implements IotHubConnectionStatusChangeCallback {

    private final PrintStream out;

    ConnectionStatusPrinter(PrintStream out) {
        this.out = out;
    }

    @Override
    public void onStatusChanged(ConnectionStatusChangeContext context) {
        StringBuilder line = new StringBuilder("Connection status: ")
                .append(context.getNewStatus())
                .append(" (reason: ").append(context.getNewStatusReason()).append(')');
        Throwable cause = context.getCause();
        if (cause != null) {
            String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            line.append(": ").append(message.replaceAll("\\s+", " "));
        }
        out.println(line);
    }
}
