package io.github.iothubquickstart.device;

import io.github.iothubquickstart.common.ConnectionSettingsResolver;
import io.github.iothubquickstart.common.DeviceConnectionSettings;
import io.github.iothubquickstart.common.Environment;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.util.Random;

/**
 * The simulated device, wired: command line, connection resolution (option, environment, local hub) and the SDK
 * runner. {@link SimulatedDevice#main} runs one on the console; end-to-end tests run one against their own hub.
 */
public final class DeviceApplication implements AutoCloseable {
    private final DeviceRunner runner;
    private final DpsProvisioner provisioner;
    private final LocalHubDefault localHub;
    private final DeviceCommand command;
    private final PrintStream out;
    private final PrintStream err;

    /**
     * @param localHubAddress where the zero-config local hub is looked for, or started: 127.0.0.1 for users, another
     *                        loopback address in tests so they never touch a hub the user runs
     */
    public DeviceApplication(Environment environment, PrintStream out, PrintStream err, Random random,
                             String localHubAddress) {
        this.out = out;
        this.err = err;
        this.runner = new DeviceRunner(out, err, random);
        this.localHub = new LocalHubDefault(environment, out, localHubAddress, new SecureRandom());
        ConnectionSettingsResolver<DeviceConnectionSettings> resolver = new ConnectionSettingsResolver<>(
                ConnectionSettingsResolver.DEVICE_VARIABLE, environment,
                text -> DeviceConnectionStrings.parse(text, environment), localHub);
        this.provisioner = new DpsProvisioner(out);
        this.command = new DeviceCommand(resolver, new ProvisioningRequests(environment, localHub::enrollment),
                provisioner, runner, err);
    }

    /** Runs until the count is reached, {@link #stop()} is called, or connecting fails; returns the exit status. */
    public int run(String... args) {
        return DeviceCli.commandLine(command, out, err).execute(args);
    }

    /** Stops sending and closes the connection; {@link #run} then returns 0. */
    public void stop() {
        provisioner.stop();
        runner.stop();
    }

    /** Stops a local hub this device started. */
    @Override
    public void close() {
        localHub.close();
    }
}
