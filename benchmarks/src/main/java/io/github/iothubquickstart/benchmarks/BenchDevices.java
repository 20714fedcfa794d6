package io.github.iothubquickstart.benchmarks;

import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.registry.DeviceRegistry;
import java.util.ArrayList;
import java.util.List;

/** The bench devices {@code bench-000001...}: registered once, reused by every later run. */
final class BenchDevices {
    private BenchDevices() {
    }

    static String id(int index) {
        return String.format("bench-%06d", index + 1);
    }

    /** The first {@code count} bench devices, registering those that are missing. */
    static List<DeviceIdentity> ensure(DeviceRegistry registry, int count) {
        List<DeviceIdentity> devices = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String id = id(i);
            devices.add(registry.findDevice(id).orElseGet(() -> registry.createDevice(id)));
        }
        return devices;
    }
}
