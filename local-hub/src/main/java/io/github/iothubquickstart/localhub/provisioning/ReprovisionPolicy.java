package io.github.iothubquickstart.localhub.provisioning;

/**
 * What a registration of an already registered device does ({@code reprovisionPolicy}): with
 * {@code updateHubAssignment} the device is assigned again (to this hub: the only one) and, with
 * {@code migrateDeviceData}, keeps its twin, else gets the enrollment's initial twin; without it the device stays
 * assigned as it was. DPS's default is both true.
 */
public record ReprovisionPolicy(boolean updateHubAssignment, boolean migrateDeviceData) {
    public static final ReprovisionPolicy DEFAULT = new ReprovisionPolicy(true, true);
}
