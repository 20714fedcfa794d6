package io.github.iothubquickstart.localhub.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The command the hub's hints tell the user to type: the distribution's launcher when it named itself. */
class HubCommandTest {
    @AfterEach
    void forgetTheLauncher() {
        System.clearProperty(HubCommand.PROPERTY);
    }

    @Test
    void withoutALauncherTheHintsSayJavaJar() {
        assertThat(HubCommand.name()).isEqualTo("java -jar local-hub.jar");
        assertThat(new NoHubDataException(Path.of("/nowhere")).getMessage())
                .contains("start the local hub first (java -jar local-hub/target/local-hub.jar)");
    }

    @Test
    void theDistributionsLauncherNamesItself() {
        System.setProperty(HubCommand.PROPERTY, "/opt/local-hub-1.0.0/bin/local-hub");

        assertThat(HubCommand.name()).isEqualTo("/opt/local-hub-1.0.0/bin/local-hub");
        assertThat(new NoHubDataException(Path.of("/nowhere")).getMessage())
                .contains("start the local hub first (/opt/local-hub-1.0.0/bin/local-hub)");
    }
}
