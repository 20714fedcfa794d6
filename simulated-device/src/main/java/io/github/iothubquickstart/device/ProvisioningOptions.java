package io.github.iothubquickstart.device;

/**
 * The provisioning options as given on the command line; null when an option was not given.
 *
 * @param provision {@code --provision}
 */
record ProvisioningOptions(boolean provision, String idScope, String registrationId, String symmetricKey,
                           String host) {

    static ProvisioningOptions none() {
        return new ProvisioningOptions(false, null, null, null, null);
    }

    /** The first value option given, for "needs --provision"; null when none is. */
    String firstValueOption() {
        if (idScope != null) {
            return "--id-scope";
        }
        if (registrationId != null) {
            return "--registration-id";
        }
        if (symmetricKey != null) {
            return "--symmetric-key";
        }
        return host != null ? "--provisioning-host" : null;
    }
}
