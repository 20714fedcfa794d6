package io.github.iothubquickstart.localhub.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryTest {

    @TempDir
    Path tmp;

    @Test
    void optionWinsOverEnvironmentAndHome() {
        Map<String, String> env = Map.of("LOCAL_IOTHUB_DATA_DIR", tmp.resolve("from-env").toString());

        assertThat(DataDirectory.resolve(tmp.resolve("from-option").toString(), env::get))
                .isEqualTo(tmp.resolve("from-option"));
    }

    @Test
    void environmentWinsOverHome() {
        Map<String, String> env = Map.of("LOCAL_IOTHUB_DATA_DIR", tmp.resolve("from-env").toString());

        assertThat(DataDirectory.resolve(null, env::get)).isEqualTo(tmp.resolve("from-env"));
        assertThat(DataDirectory.resolve("  ", env::get)).isEqualTo(tmp.resolve("from-env"));
    }

    @Test
    void defaultsToDotLocalIothubInHome() {
        Path expected = Path.of(System.getProperty("user.home"), ".local-iothub").toAbsolutePath();

        assertThat(DataDirectory.resolve(null, name -> null)).isEqualTo(expected);
        assertThat(DataDirectory.resolve("", name -> " ")).isEqualTo(expected);
    }

    @Test
    void resolvesRelativePathsToAbsoluteOnes() {
        assertThat(DataDirectory.resolve("some/../dir", name -> null))
                .isEqualTo(Path.of("dir").toAbsolutePath());
    }

    @Test
    void createsTheDirectoryAndParentsOwnerOnly() throws Exception {
        Path dir = tmp.resolve("a/b/data");

        DataDirectory data = DataDirectory.openOrCreate(dir);

        assertThat(data.path()).isEqualTo(dir);
        assertThat(mode(dir)).isEqualTo("rwx------");
        assertThat(data.caCertificateFile()).isEqualTo(dir.resolve("ca.pem"));
        assertThat(data.registryDatabaseFile()).isEqualTo(dir.resolve("registry.db"));
    }

    @Test
    void restrictsAnExistingDirectoryOpenToOthers() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("open"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxr-x"));

        DataDirectory.openOrCreate(dir);

        assertThat(mode(dir)).isEqualTo("rwx------");
    }

    @Test
    void refusesAFileInsteadOfADirectory() throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "x");

        assertThatThrownBy(() -> DataDirectory.openOrCreate(file))
                .hasMessageContaining("exists but is not a directory");
    }

    @Test
    void openExistingRefusesAMissingDirectory() {
        Path missing = tmp.resolve("missing");

        assertThatThrownBy(() -> DataDirectory.openExisting(missing))
                .isInstanceOf(NoHubDataException.class)
                .hasMessage("no local hub data at " + missing + ": start the local hub first"
                        + " (java -jar local-hub/target/local-hub.jar) or pass a connection string");
        assertThat(missing).doesNotExist();
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
