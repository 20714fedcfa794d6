package io.github.iothubquickstart.localhub.registry;

/** The device already has a module with that id. */
public class ModuleAlreadyExistsException extends RuntimeException {

    public ModuleAlreadyExistsException(String deviceId, String moduleId) {
        super("device \"" + deviceId + "\" already has a module \"" + moduleId + "\"");
    }
}
