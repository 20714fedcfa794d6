package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.azure.sdk.iot.service.exceptions.ErrorCodeDescription;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubBadFormatException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubConflictException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubPreconditionFailedException;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.DeviceStatus;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Errors of each service API as the real Java service SDK reports them: its typed exception, IoT Hub's six-digit
 * code and the SDK's name for it (the SDK's own e2e tests assert all three).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ErrorBodiesEndToEndTest {
    @RegisterExtension
    static final TestHub hub = TestHub.builder().build();
    static RegistryClient registry;

    @BeforeAll
    static void setUp() {
        registry = hub.registryClient("registryReadWrite");
        hub.registerDevice("present");
    }

    @Test
    void registryErrors() throws Exception {
        assertHubError(() -> registry.getDevice("absent"), IotHubNotFoundException.class, 404001,
                ErrorCodeDescription.DeviceNotFound);
        assertHubError(() -> registry.getModule("present", "absent"), IotHubNotFoundException.class, 404010,
                ErrorCodeDescription.ModuleNotFound);
        assertHubError(() -> registry.addDevice(new Device("present")), IotHubConflictException.class, 409001,
                ErrorCodeDescription.DeviceAlreadyExists);
        registry.addDevice(new Device("changing"));
        Device stale = registry.getDevice("changing");
        Device changed = registry.getDevice("changing");
        changed.setStatus(DeviceStatus.Disabled);
        registry.updateDevice(changed);
        assertHubError(() -> registry.removeDevice(stale), IotHubPreconditionFailedException.class, 412001,
                ErrorCodeDescription.PreconditionFailed);
    }

    @Test
    void twinMethodAndQueryErrors() {
        TwinClient twins = hub.twinClient("service");
        assertHubError(() -> twins.get("absent"), IotHubNotFoundException.class, 404001, ErrorCodeDescription.DeviceNotFound);
        assertHubError(() -> hub.methodsClient("service").invoke("absent", "reboot", DirectMethodRequestOptions.builder()
                        .methodConnectTimeoutSeconds(0).methodResponseTimeoutSeconds(5).build()),
                IotHubNotFoundException.class, 404001, ErrorCodeDescription.DeviceNotFound);
        assertHubError(() -> hub.methodsClient("service").invoke("present", "reboot", DirectMethodRequestOptions.builder()
                        .methodConnectTimeoutSeconds(0).methodResponseTimeoutSeconds(5).build()),
                IotHubNotFoundException.class, 404103, ErrorCodeDescription.DeviceNotOnline);
        assertHubError(() -> hub.queryClient("service").queryTwins("SELECT * FROM devices WHERE"),
                IotHubBadFormatException.class, 400004, ErrorCodeDescription.ArgumentInvalid);
    }

    private static void assertHubError(ThrowingCallable call, Class<? extends IotHubException> type, int errorCode,
                                       ErrorCodeDescription description) {
        assertThatThrownBy(call).isExactlyInstanceOf(type).satisfies(e -> {
            IotHubException error = (IotHubException) e;
            assertThat(error.getErrorCode()).as(error.getMessage()).isEqualTo(errorCode);
            assertThat(error.getErrorCodeDescription()).as(error.getMessage()).isEqualTo(description);
        });
    }
}
