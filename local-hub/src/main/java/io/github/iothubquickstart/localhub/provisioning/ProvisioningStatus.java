package io.github.iothubquickstart.localhub.provisioning;

/** Whether an enrollment lets devices register ({@code provisioningStatus}: {@code enabled} or {@code disabled}). */
public enum ProvisioningStatus {
    ENABLED("enabled"),
    DISABLED("disabled");

    private final String wireName;

    ProvisioningStatus(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** @throws IllegalArgumentException for a value DPS does not know */
    public static ProvisioningStatus fromWireName(String name) {
        return WireNames.find(values(), ProvisioningStatus::wireName, name, "provisioningStatus");
    }
}
