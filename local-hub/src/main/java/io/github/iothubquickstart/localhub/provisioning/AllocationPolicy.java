package io.github.iothubquickstart.localhub.provisioning;

/** How DPS picks a hub among several ({@code allocationPolicy}); kept as given: the local DPS has one hub. */
public enum AllocationPolicy {
    HASHED("hashed"),
    GEO_LATENCY("geoLatency"),
    STATIC("static"),
    CUSTOM("custom");

    private final String wireName;

    AllocationPolicy(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static AllocationPolicy fromWireName(String name) {
        return WireNames.find(values(), AllocationPolicy::wireName, name, "allocationPolicy");
    }
}
