package io.github.iothubquickstart.localhub.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's example is the user project's test, which the build compiles and runs: they must not drift. */
class ReadmeExampleTest {
    @Test
    void readmeShowsTheUserProjectsTestAsItIs() throws Exception {
        String example = Files.readString(Path.of("src/it/user-project/src/test/java/com/example/DeviceControlTest.java"));
        String readme = Files.readString(Path.of("../README.md"));

        assertThat(readme).contains("```java\n" + example + "```");
    }
}
