package io.github.iothubquickstart.localhub.importexport;

import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.registry.RegisteredDevice;
import io.github.iothubquickstart.localhub.registry.RegisteredModule;
import io.github.iothubquickstart.localhub.twin.TwinDocument;

/**
 * IoT Hub's {@code devices.txt} line ({@code ExportImportDevice}), both ways: the transport layer that owns IoT Hub's
 * JSON shapes implements it, so this feature knows the records and not the JSON.
 */
public interface DeviceLineFormat {

    /** One export line for a device, its keys left out (as nulls) when {@code excludeKeys}. */
    String deviceLine(RegisteredDevice device, TwinDocument twin, boolean excludeKeys);

    /** One export line for a module of a device. */
    String moduleLine(RegisteredModule module, TwinDocument twin, boolean excludeKeys);

    /**
     * One import line.
     *
     * @throws io.github.iothubquickstart.localhub.errors.IotHubError when the line is not a device or module in IoT
     *     Hub's shape, naming what is wrong
     */
    ImportEntry parse(String line);

    /**
     * One line of an import's error log: IoT Hub's {@code {"deviceId":..,"moduleId":..,"errorCode":404001,
     * "errorStatus":".."}}, the ids left out where unknown (a line that could not be read).
     */
    String errorLine(String deviceId, String moduleId, IotHubError error);
}
