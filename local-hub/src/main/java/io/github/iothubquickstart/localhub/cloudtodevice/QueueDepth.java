package io.github.iothubquickstart.localhub.cloudtodevice;

import io.github.iothubquickstart.localhub.registry.IdentityId;

/**
 * How many messages the store holds for one device or module (of one generation: one deleted and created again is
 * new).
 */
public record QueueDepth(IdentityId identity, String generationId, int messages) {
}
