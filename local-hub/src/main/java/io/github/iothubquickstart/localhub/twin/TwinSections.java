package io.github.iothubquickstart.localhub.twin;

import com.google.gson.JsonElement;

/**
 * What a service sends to change a twin: its tags and its desired properties, each as sent (null when absent).
 * The transport takes them out of its request; {@link TwinService} checks them against IoT Hub's twin rules.
 */
public record TwinSections(JsonElement tags, JsonElement desired) {
}
