package io.github.iothubquickstart.device;

import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.X509TrustManager;

/**
 * Where and as whom the device registers through a Device Provisioning Service, with a symmetric key (an individual
 * enrollment's key, or the key derived for this registration id from a group's).
 *
 * @param trust the trust for the provisioning service and the hub it assigns; null for the JVM's default (Azure)
 */
public record ProvisioningSettings(String host, String idScope, String registrationId, String symmetricKey,
                                   X509TrustManager trust) {

    public ProvisioningSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(idScope, "idScope");
        Objects.requireNonNull(registrationId, "registrationId");
        Objects.requireNonNull(symmetricKey, "symmetricKey");
    }

    public Optional<X509TrustManager> trustManager() {
        return Optional.ofNullable(trust);
    }

    @Override
    public String toString() {
        return "ProvisioningSettings[host=" + host + ", idScope=" + idScope + ", registrationId=" + registrationId
                + "]"; // never the key
    }
}
