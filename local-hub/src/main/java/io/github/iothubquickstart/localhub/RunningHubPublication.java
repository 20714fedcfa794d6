package io.github.iothubquickstart.localhub;

import io.github.iothubquickstart.localhub.data.HubIdentity;
import io.github.iothubquickstart.localhub.registry.SharedAccessPolicy;
import io.github.iothubquickstart.localhubclient.PolicyKey;
import io.github.iothubquickstart.localhubclient.RunningHub;
import io.github.iothubquickstart.localhubclient.RunningHubFile;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Tells clients on this machine that the hub runs, where, and with which keys to call it, through
 * {@link RunningHubFile} in its data directory; so apps need neither the hub's databases nor its libraries.
 */
final class RunningHubPublication {
    /** For direct methods and twins: what the back-end needs. */
    static final String SERVICE_POLICY = "service";
    /** Least rights to look up and create devices, as the simulated device does. */
    static final String REGISTRY_POLICY = "registryReadWrite";

    private RunningHubPublication() {
    }

    /** Call once both endpoints listen. */
    static RunningHub publish(Path dataDirectory, String hostName, String bindAddress, int mqttPort, int httpsPort,
                              HubIdentity identity, String hubName, int eventHubsPort, int amqpPort,
                              SharedAccessPolicy provisioningPolicy) {
        RunningHub hub = new RunningHub(hostName, bindAddress, mqttPort, httpsPort, ProcessHandle.current().pid(),
                // The wall clock, not the hub's (perhaps fixed) clock: clients compare it with the OS's process start.
                Instant.now(), identity.certificates().caCertificateFile().getFileName().toString(),
                policyKey(identity, SERVICE_POLICY), policyKey(identity, REGISTRY_POLICY), hubName, eventHubsPort, amqpPort,
                // For the simulated device's --provision: it enrolls itself through the provisioning service API.
                identity.idScope(), new PolicyKey(provisioningPolicy.name(), provisioningPolicy.primaryKey()));
        RunningHubFile.write(dataDirectory, hub);
        return hub;
    }

    /** Deletes the file unless another hub on the same data directory has replaced it since. */
    static void withdraw(Path dataDirectory, RunningHub published) {
        if (published != null) {
            RunningHubFile.deleteIfDescribes(dataDirectory, published);
        }
    }

    private static PolicyKey policyKey(HubIdentity identity, String name) {
        SharedAccessPolicy policy = identity.registry().findPolicy(name).orElseThrow(() -> new LocalHubException(
                "the registry in " + identity.dataDirectory() + " has no '" + name + "' policy: it was created by"
                        + " another program; move the data directory away to start afresh"));
        return new PolicyKey(policy.name(), policy.primaryKey());
    }
}
