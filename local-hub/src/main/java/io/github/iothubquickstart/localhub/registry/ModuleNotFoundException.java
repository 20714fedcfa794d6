package io.github.iothubquickstart.localhub.registry;

/** The device has no module with that id (or the device itself is not registered). */
public class ModuleNotFoundException extends RuntimeException {

    public ModuleNotFoundException(String deviceId, String moduleId) {
        super("device \"" + deviceId + "\" has no module \"" + moduleId + "\"");
    }
}
