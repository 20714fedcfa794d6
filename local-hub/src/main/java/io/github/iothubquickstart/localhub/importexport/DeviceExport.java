package io.github.iothubquickstart.localhub.importexport;

import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.github.iothubquickstart.localhub.registry.ModuleService;
import io.github.iothubquickstart.localhub.registry.RegisteredDevice;
import io.github.iothubquickstart.localhub.registry.RegisteredModule;
import io.github.iothubquickstart.localhub.registry.RegistryService;
import io.github.iothubquickstart.localhub.twin.TwinService;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The content of an export's {@code devices.txt}: one line per device, each followed by one line per module of it,
 * with the identity, its keys (unless left out) and its twin. Each line is written as it is made, so the fleet is held
 * once, as the blob's bytes. A device or module deleted while the export runs is left out.
 */
final class DeviceExport {
    private final RegistryService devices;
    private final ModuleService modules;
    private final TwinService twins;
    private final DeviceLineFormat format;

    DeviceExport(RegistryService devices, ModuleService modules, TwinService twins, DeviceLineFormat format) {
        this.devices = devices;
        this.modules = modules;
        this.twins = twins;
        this.format = format;
    }

    /** @return the blob's bytes, or null when the job was cancelled */
    byte[] export(boolean excludeKeys, JobProgress progress) {
        List<RegisteredDevice> registered = devices.list();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int done = 0;
        for (RegisteredDevice device : registered) {
            if (progress.cancelled()) {
                return null;
            }
            String deviceId = device.identity().deviceId();
            try {
                line(out, format.deviceLine(device, twins.get(deviceId), excludeKeys));
                for (RegisteredModule module : modules.list(deviceId)) {
                    IdentityId id = module.identity().id();
                    line(out, format.moduleLine(module, twins.get(id), excludeKeys));
                }
            } catch (IotHubError e) {
                if (e.httpStatus() != 404) {
                    throw e;
                }
                // Deleted since the list was read: no longer part of the registry.
            }
            progress.report(++done, registered.size());
        }
        return out.toByteArray();
    }

    private static void line(ByteArrayOutputStream out, String line) {
        out.writeBytes(line.getBytes(StandardCharsets.UTF_8));
        out.write('\n');
    }
}
