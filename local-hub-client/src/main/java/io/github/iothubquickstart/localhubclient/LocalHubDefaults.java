package io.github.iothubquickstart.localhubclient;

/** Where a local hub listens unless told otherwise. */
public final class LocalHubDefaults {
    public static final String BIND_ADDRESS = "127.0.0.1";
    /** The only MQTT port the Azure device SDK connects to. */
    public static final int MQTT_PORT = 8883;
    public static final int HTTPS_PORT = 8443;
    /** The only AMQP over TLS port the Azure device SDK connects to. */
    public static final int AMQP_PORT = 5671;

    private LocalHubDefaults() {
    }
}
