package io.github.iothubquickstart.localhub.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubquickstart.localhub.registry.Authentication;
import io.github.iothubquickstart.localhub.registry.AuthenticationType;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.registry.ModuleIdentity;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** X.509 devices and modules (thumbprints or CA, no keys) are kept in the registry database like SAS ones. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SqliteX509IdentitiesTest {
    static final String SHA1_A = "0000000000000000000000000000000000000000";
    static final String SHA1_B = "ABCDEFabcdef0123456789ABCDEFabcdef012345";
    static final String SHA256 = "00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF";

    @TempDir
    Path directory;
    private SqliteDeviceRegistry registry;

    @BeforeEach
    void open() {
        registry = SqliteDeviceRegistry.open(directory.resolve("registry.db"), Clock.systemUTC());
    }

    @AfterEach
    void close() {
        registry.close();
    }

    private void reopen() {
        registry.close();
        registry = SqliteDeviceRegistry.open(directory.resolve("registry.db"), Clock.systemUTC());
    }

    @Test
    void selfSignedAndCaDevicesSurviveReopeningTheFileWithoutKeys() {
        DeviceIdentity selfSigned = registry.createDevice("camera", Authentication.selfSigned(SHA1_A, SHA1_B));
        DeviceIdentity ca = registry.createDevice("meter", Authentication.certificateAuthority());
        reopen();

        DeviceIdentity read = registry.findDevice("camera").orElseThrow();
        assertThat(read).isEqualTo(selfSigned);
        assertThat(read.authentication().type()).isEqualTo(AuthenticationType.SELF_SIGNED);
        assertThat(read.authentication().primaryThumbprint()).isEqualTo(SHA1_A);
        assertThat(read.authentication().secondaryThumbprint()).isEqualTo(SHA1_B);
        assertThat(read.keys()).isEmpty();
        assertThat(read.primaryKey()).isNull();
        assertThat(registry.findDevice("meter").orElseThrow()).isEqualTo(ca);
        assertThat(ca.keys()).isEmpty();
    }

    @Test
    void aDeviceMovesBetweenSasAndX509AndItsEtagChanges() {
        DeviceIdentity sas = registry.createDevice("switcher");
        DeviceIdentity x509 = registry.updateDevice("switcher", Authentication.selfSigned(SHA256, null), true, null);
        reopen();

        assertThat(registry.findDevice("switcher").orElseThrow().authentication())
                .isEqualTo(Authentication.selfSigned(SHA256, null));
        assertThat(x509.etag()).isNotEqualTo(sas.etag());
        DeviceIdentity back = registry.updateDevice("switcher", sas.primaryKey(), sas.secondaryKey(), true, null);
        assertThat(back.keys()).isEqualTo(sas.keys());
        assertThat(back.etag()).isEqualTo(sas.etag());
    }

    @Test
    void x509ModulesAreKeptAndUpdated() {
        registry.createDevice("gateway");
        ModuleIdentity created = registry.createModule("gateway", "lens", Authentication.selfSigned(SHA1_A, SHA1_B),
                null);
        registry.createModule("gateway", "ca", Authentication.certificateAuthority(), "iotEdge");
        reopen();

        assertThat(registry.findModule("gateway", "lens")).contains(created);
        ModuleIdentity updated = registry.updateModule("gateway", "lens", Authentication.selfSigned(SHA1_B, SHA1_A),
                null);
        assertThat(updated.authentication().primaryThumbprint()).isEqualTo(SHA1_B);
        assertThat(updated.etag()).isNotEqualTo(created.etag());
        assertThat(registry.listModules("gateway")).extracting(module -> module.authentication().type())
                .containsExactly(AuthenticationType.CERTIFICATE_AUTHORITY, AuthenticationType.SELF_SIGNED);
    }

    @Test
    void badThumbprintsAreRefusedAndNothingIsStored() {
        assertThatThrownBy(() -> registry.createDevice("bad", Authentication.selfSigned("not-hex", null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("primary thumbprint must be 40 (SHA-1) or 64 (SHA-256) hexadecimal digits");
        assertThatThrownBy(() -> registry.createDevice("bad", Authentication.selfSigned(SHA1_A, SHA256)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("both SHA-1 or both SHA-256");
        assertThat(registry.findDevice("bad")).isEmpty();
    }
}
