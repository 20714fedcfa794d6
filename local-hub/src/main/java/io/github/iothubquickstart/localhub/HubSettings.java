package io.github.iothubquickstart.localhub;

import io.github.iothubquickstart.localhub.auth.TrustedCertificateAuthorities;
import io.github.iothubquickstart.localhub.blobs.BlobStorage;
import io.github.iothubquickstart.localhub.blobs.StorageConnectionString;
import io.github.iothubquickstart.localhub.telemetry.TelemetryDurability;
import io.github.iothubquickstart.localhub.telemetry.TelemetryRetention;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a {@link LocalHub} was built with, every default resolved: the ports asked for (the bound ones are the hub's),
 * its names, limits and stores' settings.
 *
 * @param trustedCertificateAuthorities null: the data directory's CA certificates ({@code ca-certificate add})
 * @param blobStorage                   null: the built-in blob endpoint, or {@code storageAccount}
 * @param storageAccount                null: the built-in blob endpoint
 */
public record HubSettings(Path dataDirectory, String bindAddress, String hostName, int mqttPort, int httpsPort,
                          int webSocketPort, int amqpPort, int eventHubsPort, String hubName, int partitions,
                          List<String> consumerGroups, Clock clock, Duration cloudToDeviceLockTimeout,
                          TelemetryRetention telemetryRetention, TelemetryDurability telemetryDurability,
                          int eventLoops, HubLimits limits, TrustedCertificateAuthorities trustedCertificateAuthorities,
                          BlobStorage blobStorage, StorageConnectionString storageAccount,
                          String fileUploadContainer) {

    public HubSettings {
        consumerGroups = List.copyOf(consumerGroups);
    }

    /** The names clients may call the hub by: its host name, and its bind address unless that is a wildcard. */
    public Set<String> acceptedHostNames() {
        Set<String> names = new LinkedHashSet<>();
        names.add(hostName);
        if (!isWildcard(bindAddress)) {
            names.add(bindAddress);
        }
        return names;
    }

    /** Whether the bind address is a loopback one: only there is anything served without TLS. */
    public boolean bindsLoopback() {
        try {
            return InetAddress.getByName(bindAddress).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Whether the HTTPS port is also the devices' port (443), where it asks TLS clients for a certificate. */
    public boolean httpsServesDevices() {
        return webSocketPort != 0 && webSocketPort == httpsPort;
    }

    /** The first label of a host name that is a name ({@code myhub.example.test}: myhub), else the default. */
    static String defaultHubName(String hostName) {
        String firstLabel = hostName.split("\\.", -1)[0];
        boolean address = hostName.chars().noneMatch(Character::isLetter) || hostName.contains(":");
        return !address && firstLabel.matches("[A-Za-z0-9-]{3,50}") ? firstLabel : LocalHub.DEFAULT_HUB_NAME;
    }

    static boolean isWildcard(String address) {
        return "0.0.0.0".equals(address) || "::".equals(address) || "[::]".equals(address);
    }
}
