package io.github.iothubquickstart.localhubclient;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a running local hub publishes for its clients (see {@link RunningHubFile}).
 *
 * @param hostName       the name clients put in connection strings
 * @param bindAddress    the address both endpoints listen on
 * @param pid            the hub's process, to tell a running hub from a file left by a killed one
 * @param startTime      when the hub started listening
 * @param caFile         the CA certificate to trust, a file name in the data directory
 * @param servicePolicy  a policy with the service-connect right: for direct methods and twins (the back-end)
 * @param registryPolicy a policy with registry read and write rights: to look up and create devices
 * @param hubName        the hub's name: the event hub of its Event Hubs-compatible endpoint (null from older hubs)
 * @param eventHubsPort  the endpoint's plain AMQP port for the Event Hubs SDKs' emulator mode; 0 when off
 * @param amqpPort       AMQP over TLS (devices, back-ends, the Event Hubs endpoint over TLS); 0 when off
 * @param idScope        the ID scope of its Device Provisioning Service (null from older hubs)
 * @param provisioningPolicy the provisioning service's policy, to create enrollments (null from older hubs)
 */
public record RunningHub(String hostName, String bindAddress, int mqttPort, int httpsPort, long pid, Instant startTime,
                         String caFile, PolicyKey servicePolicy, PolicyKey registryPolicy, String hubName,
                         int eventHubsPort, int amqpPort, String idScope, PolicyKey provisioningPolicy) {

    /** A hub that publishes no provisioning service (older hubs). */
    public RunningHub(String hostName, String bindAddress, int mqttPort, int httpsPort, long pid, Instant startTime,
                      String caFile, PolicyKey servicePolicy, PolicyKey registryPolicy, String hubName,
                      int eventHubsPort, int amqpPort) {
        this(hostName, bindAddress, mqttPort, httpsPort, pid, startTime, caFile, servicePolicy, registryPolicy, hubName,
                eventHubsPort, amqpPort, null, null);
    }

    /** A hub without the Event Hubs-compatible endpoint's plain port. */
    public RunningHub(String hostName, String bindAddress, int mqttPort, int httpsPort, long pid, Instant startTime,
                      String caFile, PolicyKey servicePolicy, PolicyKey registryPolicy) {
        this(hostName, bindAddress, mqttPort, httpsPort, pid, startTime, caFile, servicePolicy, registryPolicy, null, 0);
    }

    /** A hub that did not publish its AMQP port (older hubs): it listens where hubs do by default. */
    public RunningHub(String hostName, String bindAddress, int mqttPort, int httpsPort, long pid, Instant startTime,
                      String caFile, PolicyKey servicePolicy, PolicyKey registryPolicy, String hubName,
                      int eventHubsPort) {
        this(hostName, bindAddress, mqttPort, httpsPort, pid, startTime, caFile, servicePolicy, registryPolicy, hubName,
                eventHubsPort, LocalHubDefaults.AMQP_PORT);
    }

    public RunningHub {
        Objects.requireNonNull(hostName, "hostName");
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(startTime, "startTime");
        Objects.requireNonNull(caFile, "caFile");
        Objects.requireNonNull(servicePolicy, "servicePolicy");
        Objects.requireNonNull(registryPolicy, "registryPolicy");
    }

    /** {@code host:port} of the service endpoint, the host name alone on 443 (as service connection strings write it). */
    public String serviceHost() {
        return httpsPort == 443 ? hostName : hostName + ":" + httpsPort;
    }

    /**
     * The connection string of the hub's Event Hubs-compatible endpoint in the Event Hubs SDKs' emulator mode (plain
     * AMQP on loopback), with the service policy's key; empty when the hub serves no such port.
     */
    public Optional<String> eventHubsConnectionString() {
        if (hubName == null || eventHubsPort == 0) {
            return Optional.empty();
        }
        return Optional.of(EventHubsConnectionStrings.emulator(hostName, eventHubsPort, hubName, servicePolicy));
    }

    /** Whether it publishes its provisioning service: an ID scope and a policy to create enrollments with. */
    public boolean publishesProvisioning() {
        return idScope != null && provisioningPolicy != null;
    }

    public Path caCertificateFile(Path dataDirectory) {
        return dataDirectory.resolve(caFile);
    }
}
