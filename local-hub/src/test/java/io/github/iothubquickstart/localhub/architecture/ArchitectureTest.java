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

    @ArchTest
    static final ArchRule layers = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("Wiring").definedBy(HUB)
            .layer("Transports").definedBy(TRANSPORTS)
            .layer("Wire shapes").definedBy(HUB + ".wire..")
            .layer("Features").definedBy(FEATURES)
            .layer("Data directory").definedBy(HUB + ".data..")
            .layer("Storage").definedBy(HUB + ".storage..")
            .layer("Infrastructure").definedBy(HUB + ".tls..", HUB + ".files..", HUB + ".errors..",
                    HUB + ".eventloop..", HUB + ".websocket..")
            .whereLayer("Wiring").mayOnlyBeAccessedByLayers("Transports")
            .whereLayer("Transports").mayOnlyBeAccessedByLayers("Wiring", "Transports")
            .whereLayer("Wire shapes").mayOnlyBeAccessedByLayers("Transports")
            .whereLayer("Features").mayOnlyBeAccessedByLayers("Wiring", "Transports", "Wire shapes", "Storage",
                    "Data directory")
            .whereLayer("Data directory").mayOnlyBeAccessedByLayers("Wiring", "Transports")
            .whereLayer("Storage").mayOnlyBeAccessedByLayers("Wiring", "Transports", "Data directory");

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

    @ArchTest
    static final ArchRule noCycles = slices().matching(HUB + ".(*)..").should().beFreeOfCycles();
}
