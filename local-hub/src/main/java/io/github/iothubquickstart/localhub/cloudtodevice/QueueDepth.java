package io.github.iothubquickstart.localhub.cloudtodevice;

/** How many messages the store holds for one device (of one generation: a device deleted and created again is new). */
public record QueueDepth(String deviceId, String deviceGenerationId, int messages) {
}
