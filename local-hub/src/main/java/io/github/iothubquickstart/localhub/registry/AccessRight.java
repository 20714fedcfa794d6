package io.github.iothubquickstart.localhub.registry;

/** The IoT Hub shared access policy permissions. */
public enum AccessRight {
    REGISTRY_READ,
    REGISTRY_WRITE,
    SERVICE_CONNECT,
    DEVICE_CONNECT
}
