package io.github.iothubquickstart.localhub.provisioning;

/** Why an assigned registration holds the data it does ({@code substatus}). */
public enum RegistrationSubstatus {
    /** First assignment of this registration. */
    INITIAL_ASSIGNMENT("initialAssignment"),
    /** Re-provisioned to another hub, the device's data (twin) moved with it. */
    DEVICE_DATA_MIGRATED("deviceDataMigrated"),
    /** Re-provisioned, the device's data reset to the enrollment's initial twin. */
    DEVICE_DATA_RESET("deviceDataReset"),
    /** Re-provisioned back to the hub of its initial assignment. */
    REPROVISIONED_TO_INITIAL_ASSIGNMENT("reprovisionedToInitialAssignment");

    private final String wireName;

    RegistrationSubstatus(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static RegistrationSubstatus fromWireName(String name) {
        return WireNames.find(values(), RegistrationSubstatus::wireName, name, "substatus");
    }
}
