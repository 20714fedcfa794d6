package io.github.iothubquickstart.localhub.cli;

import io.github.iothubquickstart.localhub.data.HubIdentity;
import io.github.iothubquickstart.localhub.registry.Authentication;
import io.github.iothubquickstart.localhub.registry.AuthenticationType;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.registry.DevicePresence;
import io.github.iothubquickstart.localhub.registry.DeviceUpdate;
import io.github.iothubquickstart.localhub.registry.RegisteredDevice;
import io.github.iothubquickstart.localhub.registry.RegistryService;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code local-hub device create|list|show|delete}: the device registry, with or without a running hub. */
@Command(name = "device", mixinStandardHelpOptions = true,
        description = "Manage the hub's device registry.",
        subcommands = {DeviceCommand.Create.class, DeviceCommand.ListDevices.class, DeviceCommand.Show.class,
                DeviceCommand.Delete.class})
final class DeviceCommand {
    @Spec
    CommandSpec spec;

    /**
     * Opens the registry (creating the data directory on first use) for one command. The commands go through the
     * same {@link RegistryService} as the REST API; this process holds no device connections.
     */
    <T> T withRegistry(DataDirectoryOption dataDirectory, RegistryAction<T> action) throws Exception {
        try (HubIdentity identity = HubIdentity.openOrCreate(dataDirectory.resolve(), List.of(), Clock.systemUTC())) {
            RegistryService registry = new RegistryService(identity.registry(), DevicePresence.none());
            return action.apply(registry, spec.commandLine().getOut());
        }
    }

    interface RegistryAction<T> {
        T apply(RegistryService registry, PrintWriter out) throws Exception;
    }

    static void print(DeviceIdentity device, PrintWriter out) {
        out.println("deviceId:     " + device.deviceId());
        out.println("status:       " + (device.enabled() ? "enabled" : "disabled"));
        Authentication authentication = device.authentication();
        if (authentication.type() == AuthenticationType.SAS) {
            out.println("primaryKey:   " + device.primaryKey());
            out.println("secondaryKey: " + device.secondaryKey());
        } else {
            // Stored only: certificate authentication is not offered yet (issue 20).
            out.println("auth:         " + authentication.type().wireName());
            if (authentication.type() == AuthenticationType.SELF_SIGNED) {
                out.println("thumbprints:  " + authentication.primaryThumbprint() + ", "
                        + authentication.secondaryThumbprint());
            }
        }
        out.println("created:      " + device.createdAt());
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Register a device with random keys.")
    static final class Create implements Callable<Integer> {
        @ParentCommand
        DeviceCommand parent;

        @Mixin
        DataDirectoryOption dataDirectory;

        @Parameters(paramLabel = "DEVICE_ID", description = "Up to 128 letters, digits and - . + % _ # * ? ! ( ) , : = @ $ '")
        String deviceId;

        @Override
        public Integer call() throws Exception {
            return parent.withRegistry(dataDirectory, (registry, out) -> {
                print(registry.create(deviceId, DeviceUpdate.enabledWithGeneratedKeys()).identity(), out);
                out.println("Its connection string: java -jar local-hub.jar connection-string --device " + deviceId);
                return 0;
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List registered devices.")
    static final class ListDevices implements Callable<Integer> {
        @ParentCommand
        DeviceCommand parent;

        @Mixin
        DataDirectoryOption dataDirectory;

        @Override
        public Integer call() throws Exception {
            return parent.withRegistry(dataDirectory, (registry, out) -> {
                List<DeviceIdentity> devices = registry.list().stream().map(RegisteredDevice::identity).toList();
                if (devices.isEmpty()) {
                    out.println("No devices are registered.");
                }
                for (DeviceIdentity device : devices) {
                    out.println(device.deviceId() + (device.enabled() ? "" : " (disabled)"));
                }
                return 0;
            });
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a device and its keys.")
    static final class Show implements Callable<Integer> {
        @ParentCommand
        DeviceCommand parent;

        @Mixin
        DataDirectoryOption dataDirectory;

        @Parameters(paramLabel = "DEVICE_ID")
        String deviceId;

        @Override
        public Integer call() throws Exception {
            return parent.withRegistry(dataDirectory, (registry, out) -> {
                print(registry.get(deviceId).identity(), out);
                return 0;
            });
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Remove a device from the registry.")
    static final class Delete implements Callable<Integer> {
        @ParentCommand
        DeviceCommand parent;

        @Mixin
        DataDirectoryOption dataDirectory;

        @Parameters(paramLabel = "DEVICE_ID")
        String deviceId;

        @Override
        public Integer call() throws Exception {
            return parent.withRegistry(dataDirectory, (registry, out) -> {
                registry.delete(deviceId, null);
                out.println("Deleted device " + deviceId + ".");
                return 0;
            });
        }
    }
}
