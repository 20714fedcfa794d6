package io.github.iothubquickstart.localhub.registry;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What every new hub starts with, as a new Azure IoT Hub does: its five shared access policies, each with fresh
 * random keys, and the quickstart's device, so that the quickstart runs with no setup.
 */
public final class InitialRegistry {
    public static final String QUICKSTART_DEVICE_ID = "MyJavaDevice";
    public static final List<String> POLICY_NAMES =
            List.of("iothubowner", "service", "device", "registryRead", "registryReadWrite");

    private InitialRegistry() {
    }

    public static List<SharedAccessPolicy> policies() {
        return List.of(
                policy("iothubowner", EnumSet.allOf(AccessRight.class)),
                policy("service", EnumSet.of(AccessRight.SERVICE_CONNECT)),
                policy("device", EnumSet.of(AccessRight.DEVICE_CONNECT)),
                policy("registryRead", EnumSet.of(AccessRight.REGISTRY_READ)),
                policy("registryReadWrite", EnumSet.of(AccessRight.REGISTRY_READ, AccessRight.REGISTRY_WRITE)));
    }

    public static DeviceIdentity quickstartDevice(Instant now) {
        return new DeviceIdentity(QUICKSTART_DEVICE_ID, SymmetricKeys.random(), SymmetricKeys.random(), true, now);
    }

    private static SharedAccessPolicy policy(String name, Set<AccessRight> rights) {
        return new SharedAccessPolicy(name, SymmetricKeys.random(), SymmetricKeys.random(), rights);
    }
}
