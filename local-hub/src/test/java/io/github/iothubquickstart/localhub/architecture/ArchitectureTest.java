package io.github.iothubquickstart.localhub.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The package rules of docs/architecture.md, so that they hold for the next person: transports on top,
 * protocol-neutral features below them, storage and infrastructure at the bottom, and no package cycles.
 */
@AnalyzeClasses(packages = "io.github.iothubquickstart.localhub", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    private static final String HUB = "io.github.iothubquickstart.localhub";
    private static final String[] TRANSPORTS = {HUB + ".mqtt..", HUB + ".amqp..", HUB + ".rest..", HUB + ".dashboard..", HUB + ".cli.."};
    private static final String[] FEATURES = {HUB + ".connections..", HUB + ".methods..", HUB + ".twin..",
            HUB + ".registry..", HUB + ".telemetry..", HUB + ".auth..", HUB + ".query..", HUB + ".cloudtodevice..",
            HUB + ".provisioning..", HUB + ".faults..", HUB + ".blobs..", HUB + ".fileupload..",
            HUB + ".digitaltwins..", HUB + ".configurations..", HUB + ".jobs..", HUB + ".importexport.."};

    private static final String WIRING = HUB + ".wiring";

    @ArchTest
    static final ArchRule layers = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("Embedding API").definedBy(HUB)
            .layer("Wiring").definedBy(WIRING + "..")
            .layer("Transports").definedBy(TRANSPORTS)
            .layer("Wire shapes").definedBy(HUB + ".wire..")
            .layer("Features").definedBy(FEATURES)
            .layer("Data directory").definedBy(HUB + ".data..")
            .layer("Storage").definedBy(HUB + ".storage..")
            .layer("Infrastructure").definedBy(HUB + ".tls..", HUB + ".files..", HUB + ".errors..",
                    HUB + ".eventloop..", HUB + ".websocket..")
            .whereLayer("Embedding API").mayOnlyBeAccessedByLayers("Wiring", "Transports")
            .whereLayer("Wiring").mayOnlyBeAccessedByLayers("Embedding API")
            .whereLayer("Transports").mayOnlyBeAccessedByLayers("Embedding API", "Wiring", "Transports")
            .whereLayer("Wire shapes").mayOnlyBeAccessedByLayers("Transports")
            .whereLayer("Features").mayOnlyBeAccessedByLayers("Embedding API", "Wiring", "Transports", "Wire shapes",
                    "Storage", "Data directory")
            .whereLayer("Data directory").mayOnlyBeAccessedByLayers("Embedding API", "Wiring", "Transports")
            .whereLayer("Storage").mayOnlyBeAccessedByLayers("Embedding API", "Wiring", "Transports",
                    "Data directory");

    /** The core ({@code HubCore}, {@code HubServices}) is built from features and storage; it installs no transport. */
    @ArchTest
    static final ArchRule coreKnowsNoTransport = noClasses().that().haveFullyQualifiedName(WIRING + ".HubCore")
            .or().haveFullyQualifiedName(WIRING + ".HubServices").or().haveFullyQualifiedName(WIRING + ".HubStores")
            .should().dependOnClassesThat().resideInAnyPackage(HUB + ".mqtt..", HUB + ".amqp..",
                    HUB + ".websocket..", HUB + ".cli..")
            .orShould().dependOnClassesThat().haveSimpleNameEndingWith("Transport")
            .because("the core is what every transport installs itself on; of the transports it borrows only rest's"
                    + " JSON shapes (twins for configurations and queries, export/import lines) and the dashboard's"
                    + " sign-in token, which the service authenticator accepts");

    @ArchTest
    static final ArchRule mqttInstalledByItsOwnClass = installerUses("MqttTransport", "mqtt");
    @ArchTest
    static final ArchRule amqpInstalledByItsOwnClass = installerUses("AmqpTransport", "amqp");
    @ArchTest
    static final ArchRule eventHubsInstalledByItsOwnClass = installerUses("EventHubsTransport", "amqp");
    @ArchTest
    static final ArchRule restInstalledByItsOwnClass = installerUses("RestTransport", "rest");
    @ArchTest
    static final ArchRule dashboardInstalledByItsOwnClass = installerUses("DashboardTransport", "dashboard");
    @ArchTest
    static final ArchRule webSocketsInstalledByItsOwnClass = installerUses("WebSocketTransport", "websocket");

    /** Each transport installs itself from one class of the wiring, which reaches into its own package only. */
    private static ArchRule installerUses(String installer, String transport) {
        // websocket is infrastructure (the upgrade and frames), which MQTT's and AMQP's WebSocket sides plug into.
        String[] others = java.util.stream.Stream.of("mqtt", "amqp", "rest", "dashboard", "cli")
                .filter(other -> !other.equals(transport)).map(other -> HUB + "." + other + "..")
                .toArray(String[]::new);
        return noClasses().that().haveFullyQualifiedName(WIRING + "." + installer)
                .should().dependOnClassesThat().resideInAnyPackage(others)
                .because("a transport is installed by one small class given the core services, not by another's");
    }

    @ArchTest
    static final ArchRule featuresKnowNoProtocolNorDatabase = noClasses().that().resideInAnyPackage(FEATURES)
            .should().dependOnClassesThat().resideInAnyPackage("io.vertx.mqtt..", "io.vertx.proton..", "org.apache.qpid..", "io.vertx.ext.web..",
                    "io.vertx.core.http..", "io.netty..", "org.sqlite..", "java.sql..")
            .because("features are protocol-neutral and storage-neutral: transports and storage plug into them");

    @ArchTest
    static final ArchRule storageServesFeaturesOnly = noClasses().that().resideInAPackage(HUB + ".storage..")
            .should().dependOnClassesThat().resideInAnyPackage(HUB + ".connections..", HUB + ".methods..",
                    HUB + ".auth..")
            .because("storage keeps the features' data; it calls no feature logic");

    @ArchTest
    static final ArchRule transportsStandAlone = slices().matching(HUB + ".(mqtt|amqp|rest|dashboard)..")
            .should().notDependOnEachOther()
            .because("each protocol adapter stands on the features alone; the wiring mounts them side by side");

    /** AmqpClientConnection's parts, one per concern, meet only through the connection ({@code ConnectionScope}). */
    @ArchTest
    static final ArchRule deviceLinksStandAlone = amqpConnectionPart("DeviceLinks", "ServiceLinks");
    @ArchTest
    static final ArchRule serviceLinksStandAlone = amqpConnectionPart("ServiceLinks", "DeviceLinks");
    @ArchTest
    static final ArchRule tokenGrantsStandAlone = amqpConnectionPart("TokenGrants", "DeviceLinks|ServiceLinks");

    private static ArchRule amqpConnectionPart(String part, String others) {
        return noClasses().that().haveNameMatching(HUB.replace(".", "\\.") + "\\.amqp\\." + part + "(\\$.*)?")
                .should().dependOnClassesThat().haveNameMatching(
                        HUB.replace(".", "\\.") + "\\.amqp\\.(AmqpClientConnection|" + others + ")(\\$.*)?")
                .because("device links, service links and token grants are separate concerns of one AMQP"
                        + " connection, which alone routes links to them");
    }

    @ArchTest
    static final ArchRule noCycles = slices().matching(HUB + ".(*)..").should().beFreeOfCycles();
}
