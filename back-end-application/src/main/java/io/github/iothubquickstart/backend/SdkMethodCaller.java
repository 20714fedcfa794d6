package io.github.iothubquickstart.backend;

import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClientOptions;
import io.github.iothubquickstart.common.ServiceConnectionSettings;
import java.io.IOException;

/** Calls the hub through the service SDK; {@link OutcomeMapper} turns whatever happens into an {@link Outcome}. */
final class SdkMethodCaller implements MethodCaller {

    /** Extra read time beyond the hub's own timeouts, so the hub's 504 arrives before our socket gives up. */
    static final int READ_TIMEOUT_MARGIN_SECONDS = 10;

    private final DirectMethodsClientFactory clientFactory;
    private final OutcomeMapper mapper;

    SdkMethodCaller(DirectMethodsClientFactory clientFactory, OutcomeMapper mapper) {
        this.clientFactory = clientFactory;
        this.mapper = mapper;
    }

    @Override
    public Outcome call(ServiceConnectionSettings settings, MethodCall call) {
        String hub = settings.connectionString().hostNameWithPort();
        try {
            DirectMethodsClient client = clientFactory.create(settings, DirectMethodsClientOptions.builder()
                    .httpReadTimeoutSeconds(readTimeoutSeconds(call))
                    .build());
            DirectMethodResponse response = client.invoke(call.deviceId(), call.methodName(),
                    DirectMethodRequestOptions.builder()
                            .payload(call.payload())
                            .methodResponseTimeoutSeconds(call.responseTimeoutSeconds())
                            .methodConnectTimeoutSeconds(call.connectTimeoutSeconds())
                            .build());
            String payload = response.getPayloadAsJsonElement() == null
                    ? "null" : response.getPayloadAsJsonString();
            return mapper.fromResponse(call, response.getStatus(), payload);
        } catch (IotHubException | IOException | RuntimeException e) {
            return mapper.fromException(call, hub, e);
        }
    }

    static int readTimeoutSeconds(MethodCall call) {
        return call.responseTimeoutSeconds() + call.connectTimeoutSeconds() + READ_TIMEOUT_MARGIN_SECONDS;
    }
}
