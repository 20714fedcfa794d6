package io.github.iothubquickstart.localhub.provisioning;

import java.util.List;
import java.util.Objects;

/**
 * What individual enrollments and enrollment groups have alike (DPS's JSON keeps these fields flat in both):
 * attestation, {@code iotHubHostName}, {@code initialTwin}, {@code provisioningStatus}, {@code reprovisionPolicy},
 * {@code capabilities}, {@code allocationPolicy}, {@code customAllocationDefinition} and {@code iotHubs}. Absent
 * optional parts are given DPS's defaults; allocation settings are kept as given (this hub is the only one).
 */
public record EnrollmentSettings(Attestation attestation, String iotHubHostName, InitialTwin initialTwin,
                                 ProvisioningStatus provisioningStatus, ReprovisionPolicy reprovisionPolicy,
                                 DeviceCapabilities capabilities, AllocationPolicy allocationPolicy,
                                 CustomAllocationDefinition customAllocationDefinition, List<String> iotHubs) {

    public EnrollmentSettings {
        Objects.requireNonNull(attestation, "attestation");
        initialTwin = initialTwin == null ? InitialTwin.NONE : initialTwin;
        provisioningStatus = provisioningStatus == null ? ProvisioningStatus.ENABLED : provisioningStatus;
        reprovisionPolicy = reprovisionPolicy == null ? ReprovisionPolicy.DEFAULT : reprovisionPolicy;
        capabilities = capabilities == null ? DeviceCapabilities.NONE : capabilities;
        iotHubs = iotHubs == null ? List.of() : List.copyOf(iotHubs);
    }

    /** Enabled, DPS's defaults for the rest. */
    public static EnrollmentSettings of(Attestation attestation) {
        return new EnrollmentSettings(attestation, null, null, null, null, null, null, null, null);
    }

    public EnrollmentSettings withInitialTwin(InitialTwin twin) {
        return new EnrollmentSettings(attestation, iotHubHostName, twin, provisioningStatus, reprovisionPolicy,
                capabilities, allocationPolicy, customAllocationDefinition, iotHubs);
    }

    public EnrollmentSettings withProvisioningStatus(ProvisioningStatus status) {
        return new EnrollmentSettings(attestation, iotHubHostName, initialTwin, status, reprovisionPolicy,
                capabilities, allocationPolicy, customAllocationDefinition, iotHubs);
    }

    public EnrollmentSettings withReprovisionPolicy(ReprovisionPolicy policy) {
        return new EnrollmentSettings(attestation, iotHubHostName, initialTwin, provisioningStatus, policy,
                capabilities, allocationPolicy, customAllocationDefinition, iotHubs);
    }

    public EnrollmentSettings withCapabilities(DeviceCapabilities deviceCapabilities) {
        return new EnrollmentSettings(attestation, iotHubHostName, initialTwin, provisioningStatus, reprovisionPolicy,
                deviceCapabilities, allocationPolicy, customAllocationDefinition, iotHubs);
    }

    public boolean enabled() {
        return provisioningStatus == ProvisioningStatus.ENABLED;
    }
}
