package io.github.iothubquickstart.localhub.registry;

import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import java.util.List;
import java.util.Optional;

/**
 * The device registry's operations as IoT Hub defines them (create, read, update with ETag, delete, list), shared by
 * the REST API and the command line. Fails with {@link io.github.iothubquickstart.localhub.errors.IotHubError}.
 * A device that is disabled or deleted loses its connection at once, as in IoT Hub.
 */
public final class RegistryService {
    private final DeviceRegistry registry;
    private final DevicePresence presence;
    private final CloudToDeviceMessageCount messageCount;
    private final EdgeHierarchyRules edgeRules;

    /** Without cloud-to-device queues to count (the CLI, tests): every device shows 0 messages. */
    public RegistryService(DeviceRegistry registry, DevicePresence presence) {
        this(registry, presence, CloudToDeviceMessageCount.none());
    }

    public RegistryService(DeviceRegistry registry, DevicePresence presence, CloudToDeviceMessageCount messageCount) {
        this.registry = registry;
        this.presence = presence;
        this.messageCount = messageCount;
        this.edgeRules = new EdgeHierarchyRules(registry);
    }

    public RegisteredDevice create(String deviceId, DeviceUpdate request) {
        requireValidId(deviceId);
        String parentScope = edgeRules.checkedParentScope(deviceId, request.edge());
        try {
            DeviceIdentity created = registry.createDevice(deviceId, request.authentication().resolve(null));
            if (!request.enabled() || request.statusReason() != null) {
                created = registry.updateDevice(deviceId, created.authentication(), request.enabled(),
                        request.statusReason());
            }
            EdgeHierarchy edge = EdgeHierarchyRules.resolve(created, request.edge().iotEdge(), parentScope);
            if (!edge.equals(created.edge())) {
                created = registry.setEdgeHierarchy(deviceId, edge);
            }
            return view(created);
        } catch (DeviceAlreadyExistsException e) {
            throw IotHubErrors.deviceAlreadyExists(deviceId);
        } catch (IllegalArgumentException e) {
            throw IotHubErrors.argumentInvalid(e.getMessage());
        }
    }

    public RegisteredDevice get(String deviceId) {
        return view(find(deviceId));
    }

    public List<RegisteredDevice> list() {
        return registry.listDevices().stream().map(this::view).toList();
    }

    /** {@code ifMatch}: the caller's ETag, {@code *} or null for "whatever the current one is". */
    public RegisteredDevice update(String deviceId, DeviceUpdate request, String ifMatch) {
        DeviceIdentity current = find(deviceId);
        requireMatch(current, ifMatch);
        String parentScope = edgeRules.checkedParentScope(deviceId, request.edge());
        DeviceIdentity updated;
        try {
            updated = registry.updateDevice(deviceId, request.authentication().resolve(current.authentication()),
                    request.enabled(), request.statusReason());
            // A PUT replaces the identity, so a request without capabilities or scopes leaves the hierarchy.
            EdgeHierarchy edge = EdgeHierarchyRules.resolve(updated, request.edge().iotEdge(), parentScope);
            if (!edge.equals(updated.edge())) {
                updated = registry.setEdgeHierarchy(deviceId, edge);
            }
        } catch (DeviceNotFoundException e) {
            throw IotHubErrors.deviceNotFound(deviceId);
        } catch (IllegalArgumentException e) {
            throw IotHubErrors.argumentInvalid(e.getMessage());
        }
        boolean credentialsChanged = !updated.authentication().equals(current.authentication());
        if (!updated.enabled() || credentialsChanged) {
            // A disabled device may not stay connected; new credentials invalidate the token it connected with.
            presence.disconnect(deviceId);
        }
        if (!updated.enabled()) {
            // Nor may its modules: a module of a disabled device is refused, as in IoT Hub.
            presence.disconnectModulesOf(deviceId);
        }
        return view(updated);
    }

    public void delete(String deviceId, String ifMatch) {
        DeviceIdentity current = find(deviceId);
        requireMatch(current, ifMatch);
        if (!registry.deleteDevice(deviceId)) {
            throw IotHubErrors.deviceNotFound(deviceId);
        }
        presence.disconnect(deviceId);
        presence.disconnectModulesOf(deviceId);
    }

    /** IoT Hub's registry statistics, counted now (IoT Hub's own lag by minutes). */
    public DeviceStatistics statistics() {
        List<DeviceIdentity> devices = registry.listDevices();
        long enabled = devices.stream().filter(DeviceIdentity::enabled).count();
        return new DeviceStatistics(devices.size(), enabled, devices.size() - enabled);
    }

    public Optional<DeviceIdentity> identity(String deviceId) {
        return registry.findDevice(deviceId);
    }

    private DeviceIdentity find(String deviceId) {
        requireValidId(deviceId);
        return registry.findDevice(deviceId).orElseThrow(() -> IotHubErrors.deviceNotFound(deviceId));
    }

    private RegisteredDevice view(DeviceIdentity identity) {
        return new RegisteredDevice(identity, presence.presence(identity.deviceId()), messageCount.of(identity));
    }

    private static void requireMatch(DeviceIdentity current, String ifMatch) {
        String wanted = ETags.unquote(ifMatch);
        if (wanted != null && !"*".equals(wanted) && !wanted.equals(current.etag())) {
            throw IotHubErrors.preconditionFailed("device " + current.deviceId() + " has changed since ETag "
                    + wanted + " (its ETag is now " + current.etag() + "); read it again and retry.");
        }
    }

    /** IoT Hub's 400 for a device id that cannot exist, before any lookup. */
    public static void requireValidId(String deviceId) {
        if (!DeviceIds.isValid(deviceId)) {
            throw IotHubErrors.argumentInvalid("The device id is not valid: use 1 to 128 letters, digits and"
                    + " - . + % _ # * ? ! ( ) , : = @ $ '.");
        }
    }
}
