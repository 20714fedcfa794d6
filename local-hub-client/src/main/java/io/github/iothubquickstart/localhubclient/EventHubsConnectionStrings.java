package io.github.iothubquickstart.localhubclient;

/**
 * Connection strings of a local hub's Event Hubs-compatible endpoint, in the form the Event Hubs SDKs parse (the form
 * IoT Hub's portal shows under "Built-in endpoints", plus the port or emulator mode the local hub needs).
 */
public final class EventHubsConnectionStrings {
    /** The Event Hubs SDKs' emulator mode uses this port unless the endpoint names another. */
    public static final int EMULATOR_PORT = 5672;
    /** AMQP over TLS, the Event Hubs SDKs' default. */
    public static final int TLS_PORT = 5671;

    private EventHubsConnectionStrings() {
    }

    /** {@code Endpoint=sb://<host>[:port];...;EntityPath=<hub name>;UseDevelopmentEmulator=true}: plain AMQP. */
    public static String emulator(String host, int port, String hubName, PolicyKey policy) {
        return "Endpoint=sb://" + host + (port == EMULATOR_PORT ? "" : ":" + port) + ";SharedAccessKeyName="
                + policy.name() + ";SharedAccessKey=" + policy.key() + ";EntityPath=" + hubName
                + ";UseDevelopmentEmulator=true";
    }

    /** {@code Endpoint=sb://<host>[:port]/;...;EntityPath=<hub name>}: AMQP over TLS, for clients trusting the hub's CA. */
    public static String tls(String host, int port, String hubName, PolicyKey policy) {
        return "Endpoint=sb://" + host + (port == TLS_PORT ? "" : ":" + port) + "/;SharedAccessKeyName="
                + policy.name() + ";SharedAccessKey=" + policy.key() + ";EntityPath=" + hubName;
    }
}
