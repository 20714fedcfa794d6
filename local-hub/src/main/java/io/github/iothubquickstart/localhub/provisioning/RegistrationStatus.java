package io.github.iothubquickstart.localhub.provisioning;

/** A registration's (and its operation's) {@code status}, as DPS reports it. */
public enum RegistrationStatus {
    UNASSIGNED("unassigned"),
    ASSIGNING("assigning"),
    ASSIGNED("assigned"),
    FAILED("failed"),
    DISABLED("disabled");

    private final String wireName;

    RegistrationStatus(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static RegistrationStatus fromWireName(String name) {
        return WireNames.find(values(), RegistrationStatus::wireName, name, "status");
    }
}
