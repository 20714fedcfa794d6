package io.github.iothubquickstart.benchmarks;

import java.nio.file.Path;
import java.util.OptionalLong;

/** An MQTT server under test; {@code jvm} says whether its heap can be read with jcmd. */
record MqttTarget(String name, String host, int port, Path caFile, MqttLogins logins,
                  OptionalLong pid, boolean jvm) {
}
