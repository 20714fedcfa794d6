package io.github.iothubquickstart.localhub.digitaltwins;

import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.methods.DirectMethodService;
import io.github.iothubquickstart.localhub.methods.MethodRequest;
import io.github.iothubquickstart.localhub.methods.MethodResult;
import io.vertx.core.Future;
import java.time.Duration;

/**
 * IoT Plug and Play commands, as IoT Hub maps them onto direct methods: a root command {@code reboot} is the method
 * {@code reboot}; a component's command {@code getMaxMinReport} of {@code thermostat1} is the method
 * {@code thermostat1*getMaxMinReport}. The call, its timeouts and its failures are the methods feature's.
 */
public final class DigitalTwinCommands {
    static final String COMPONENT_SEPARATOR = "*";

    private final DirectMethodService methods;

    public DigitalTwinCommands(DirectMethodService methods) {
        this.methods = methods;
    }

    /**
     * @param componentName null for a root command
     * @param payload       the command's JSON payload as it goes to the device ("" for none)
     */
    public Future<MethodResult> invoke(String deviceId, String componentName, String commandName, String payload,
                                       Duration responseTimeout, Duration connectTimeout) {
        if (commandName.isEmpty() || commandName.contains(COMPONENT_SEPARATOR)) {
            return Future.failedFuture(IotHubErrors.argumentInvalid("Command name '"
                    + JsonPatchParser.printable(commandName) + "' is not valid: it may not be empty or contain *."));
        }
        if (componentName != null && (componentName.isEmpty() || componentName.contains(COMPONENT_SEPARATOR))) {
            return Future.failedFuture(IotHubErrors.argumentInvalid("Component name '"
                    + JsonPatchParser.printable(componentName) + "' is not valid: it may not be empty or contain *."));
        }
        String methodName = componentName == null ? commandName : componentName + COMPONENT_SEPARATOR + commandName;
        return methods.invoke(deviceId, new MethodRequest(methodName, responseTimeout, connectTimeout, payload));
    }
}
