package io.github.iothubquickstart.localhub.registry;

import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import java.util.List;

/**
 * Module identities as IoT Hub manages them (create, read, update with ETag, delete, list per device), for the REST
 * API. Fails with {@link io.github.iothubquickstart.localhub.errors.IotHubError}. A module that is deleted or gets new
 * keys loses its connection at once, as a device does.
 */
public final class ModuleService {
    private final DeviceRegistry devices;
    private final ModuleRegistry modules;
    private final DevicePresence presence;

    public ModuleService(DeviceRegistry devices, ModuleRegistry modules, DevicePresence presence) {
        this.devices = devices;
        this.modules = modules;
        this.presence = presence;
    }

    public RegisteredModule create(String deviceId, String moduleId, ModuleUpdate request) {
        requireValidIds(deviceId, moduleId);
        try {
            return view(modules.createModule(deviceId, moduleId, request.authentication().resolve(null),
                    request.managedBy()));
        } catch (DeviceNotFoundException e) {
            throw IotHubErrors.deviceNotFound(deviceId);
        } catch (ModuleAlreadyExistsException e) {
            throw IotHubErrors.moduleAlreadyExists(deviceId, moduleId);
        } catch (IllegalArgumentException e) {
            throw IotHubErrors.argumentInvalid(e.getMessage());
        }
    }

    public RegisteredModule get(String deviceId, String moduleId) {
        return view(find(deviceId, moduleId));
    }

    /** The device's modules; 404 when the device is not registered. */
    public List<RegisteredModule> list(String deviceId) {
        RegistryService.requireValidId(deviceId);
        if (devices.findDevice(deviceId).isEmpty()) {
            throw IotHubErrors.deviceNotFound(deviceId);
        }
        return modules.listModules(deviceId).stream().map(this::view).toList();
    }

    /** {@code ifMatch}: the caller's ETag, {@code *} or null for "whatever the current one is". */
    public RegisteredModule update(String deviceId, String moduleId, ModuleUpdate request, String ifMatch) {
        ModuleIdentity current = find(deviceId, moduleId);
        requireMatch(current, ifMatch);
        ModuleIdentity updated;
        try {
            updated = modules.updateModule(deviceId, moduleId,
                    request.authentication().resolve(current.authentication()), request.managedBy());
        } catch (ModuleNotFoundException e) {
            throw IotHubErrors.moduleNotFound(deviceId, moduleId);
        } catch (IllegalArgumentException e) {
            throw IotHubErrors.argumentInvalid(e.getMessage());
        }
        if (!updated.authentication().equals(current.authentication())) {
            // New credentials invalidate the token the module connected with.
            presence.disconnect(updated.id());
        }
        return view(updated);
    }

    public void delete(String deviceId, String moduleId, String ifMatch) {
        ModuleIdentity current = find(deviceId, moduleId);
        requireMatch(current, ifMatch);
        if (!modules.deleteModule(deviceId, moduleId)) {
            throw IotHubErrors.moduleNotFound(deviceId, moduleId);
        }
        presence.disconnect(current.id());
    }

    private ModuleIdentity find(String deviceId, String moduleId) {
        requireValidIds(deviceId, moduleId);
        if (devices.findDevice(deviceId).isEmpty()) {
            throw IotHubErrors.deviceNotFound(deviceId);
        }
        return modules.findModule(deviceId, moduleId)
                .orElseThrow(() -> IotHubErrors.moduleNotFound(deviceId, moduleId));
    }

    private RegisteredModule view(ModuleIdentity identity) {
        return new RegisteredModule(identity, presence.presence(identity.id()));
    }

    private static void requireMatch(ModuleIdentity current, String ifMatch) {
        String wanted = ETags.unquote(ifMatch);
        if (wanted != null && !"*".equals(wanted) && !wanted.equals(current.etag())) {
            throw IotHubErrors.preconditionFailed("module " + current.id() + " has changed since ETag " + wanted
                    + " (its ETag is now " + current.etag() + "); read it again and retry.");
        }
    }

    /** IoT Hub's 400 for ids that cannot exist, before any lookup; module ids follow the device id rules. */
    static void requireValidIds(String deviceId, String moduleId) {
        RegistryService.requireValidId(deviceId);
        if (!DeviceIds.isValid(moduleId)) {
            throw IotHubErrors.argumentInvalid("The module id is not valid: use 1 to 128 letters, digits and"
                    + " - . + % _ # * ? ! ( ) , : = @ $ '.");
        }
    }
}
