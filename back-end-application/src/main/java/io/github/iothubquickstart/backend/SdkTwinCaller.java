package io.github.iothubquickstart.backend;

import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import com.microsoft.azure.sdk.iot.service.twin.TwinClientOptions;
import io.github.iothubquickstart.common.ServiceConnectionSettings;
import java.io.IOException;
import java.util.Locale;

/**
 * The back-end's twin step through the service SDK: patch the desired {@code telemetryInterval}, and show what the
 * device reports and whether it is connected. Failures go through the same {@link OutcomeMapper} as method calls.
 */
final class SdkTwinCaller implements TwinCaller {
    static final String PROPERTY = "telemetryInterval";
    static final int READ_TIMEOUT_SECONDS = 30;

    private final TwinClientFactory clientFactory;
    private final OutcomeMapper mapper;

    SdkTwinCaller(TwinClientFactory clientFactory, OutcomeMapper mapper) {
        this.clientFactory = clientFactory;
        this.mapper = mapper;
    }

    @Override
    public Outcome call(ServiceConnectionSettings settings, TwinRequest request) {
        String hub = settings.connectionString().hostNameWithPort();
        try {
            TwinClient client = clientFactory.create(settings,
                    TwinClientOptions.builder().httpReadTimeoutSeconds(READ_TIMEOUT_SECONDS).build());
            StringBuilder lines = new StringBuilder();
            if (request.desiredInterval() != null) {
                Twin patch = new Twin(request.deviceId());
                patch.getDesiredProperties().put(PROPERTY, request.desiredInterval());
                Twin patched = client.patch(patch);
                lines.append("Device ").append(request.deviceId()).append(": desired ").append(PROPERTY).append(" set to ")
                        .append(request.desiredInterval()).append(" s (desired version ")
                        .append(patched.getDesiredProperties().getVersion()).append(")");
            }
            if (request.show()) {
                if (lines.length() > 0) {
                    lines.append(System.lineSeparator());
                }
                lines.append(describe(client.get(request.deviceId())));
            }
            return new Outcome(ExitStatus.OK, lines.toString());
        } catch (IotHubException | IOException | RuntimeException e) {
            return mapper.fromException(asCall(request), hub, e);
        }
    }

    /** E.g. "Device MyJavaDevice twin: connected; reported telemetryInterval 5 s (reported version 3); desired ...". */
    static String describe(Twin twin) {
        Object reported = twin.getReportedProperties().get(PROPERTY);
        Object desired = twin.getDesiredProperties().get(PROPERTY);
        return "Device " + twin.getDeviceId() + " twin: " + String.valueOf(twin.getConnectionState()).toLowerCase(Locale.ROOT)
                + "; reported " + PROPERTY + " " + (reported == null ? "(none yet)" : reported + " s")
                + " (reported version " + twin.getReportedProperties().getVersion() + ")"
                + "; desired " + PROPERTY + " " + (desired == null ? "(none)" : desired + " s")
                + " (desired version " + twin.getDesiredProperties().getVersion() + ")";
    }

    /** OutcomeMapper speaks of calls; a twin request is one with no payload and the SDK's read timeout. */
    private static MethodCall asCall(TwinRequest request) {
        return new MethodCall(request.deviceId(), "the twin request", null,
                READ_TIMEOUT_SECONDS - SdkMethodCaller.READ_TIMEOUT_MARGIN_SECONDS, 0);
    }
}
