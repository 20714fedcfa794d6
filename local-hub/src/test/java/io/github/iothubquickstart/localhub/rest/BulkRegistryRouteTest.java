package io.github.iothubquickstart.localhub.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.registry.AuthenticationType;
import io.github.iothubquickstart.localhub.registry.BulkDeviceOperation;
import io.github.iothubquickstart.localhub.registry.BulkModuleOperation;
import io.github.iothubquickstart.localhub.registry.BulkRegistryEntry;
import io.github.iothubquickstart.localhub.registry.ImportMode;
import io.github.iothubquickstart.localhub.registry.ModuleUpdate;
import io.github.iothubquickstart.localhub.registry.RequestedAuthentication;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bulk body as the SDKs write it: import shape ({@code id}, {@code importMode}, {@code eTag}, ...). */
class BulkRegistryRouteTest {

    @Test
    void readsIdsModesETagsAndDevicesWhateverTheModeCase() {
        List<BulkRegistryEntry> parsed = BulkRegistryRoute.parse("[{\"id\":\"a\",\"importMode\":\"Create\","
                + "\"status\":\"disabled\",\"authentication\":{\"type\":\"sas\"}},"
                + "{\"id\":\"b\",\"importMode\":\"deleteIfMatchETag\",\"eTag\":\"AAAA\"},"
                + "{\"id\":\"c\",\"importMode\":\"update\",\"capabilities\":{\"iotEdge\":true}}]");

        assertThat(parsed).extracting(BulkRegistryEntry::deviceId).containsExactly("a", "b", "c");
        assertThat(parsed).extracting(BulkRegistryEntry::mode)
                .containsExactly(ImportMode.CREATE, ImportMode.DELETE_IF_MATCH_ETAG, ImportMode.UPDATE);
        assertThat(((BulkDeviceOperation) parsed.get(0)).device().enabled()).isFalse();
        assertThat(parsed.get(1).eTag()).isEqualTo("AAAA");
        assertThat(((BulkDeviceOperation) parsed.get(2)).device().edge().iotEdge()).isTrue();
    }

    @Test
    void readsAModuleEntryAsTheSdkWritesIt() {
        List<BulkRegistryEntry> parsed = BulkRegistryRoute.parse("[{\"id\":\"d\",\"importMode\":\"create\"},"
                + "{\"id\":\"d\",\"moduleId\":\"m\",\"importMode\":\"Create\",\"managedBy\":\"IotEdge\","
                + "\"authentication\":{\"symmetricKey\":{\"primaryKey\":\"cA==\",\"secondaryKey\":\"cw==\"},"
                + "\"type\":\"sas\"}},"
                + "{\"id\":\"d\",\"moduleId\":\"n\",\"importMode\":\"deleteIfMatchETag\",\"eTag\":\"AAAB\"}]");

        assertThat(parsed).extracting(BulkRegistryEntry::identity).extracting(Object::toString)
                .containsExactly("d", "d/m", "d/n");
        assertThat(parsed.get(0)).isInstanceOf(BulkDeviceOperation.class);
        BulkModuleOperation created = (BulkModuleOperation) parsed.get(1);
        assertThat(created.mode()).isEqualTo(ImportMode.CREATE);
        assertThat(created.module()).isEqualTo(new ModuleUpdate("cA==", "cw==", "IotEdge"));
        assertThat(parsed.get(2).mode()).isEqualTo(ImportMode.DELETE_IF_MATCH_ETAG);
        assertThat(parsed.get(2).eTag()).isEqualTo("AAAB");
        assertError("[{\"id\":\"d\",\"moduleId\":\"m\",\"importMode\":\"create\","
                + "\"authentication\":{\"type\":\"password\"}}]", 400, 400004);
    }

    @Test
    void readsX509EntriesWithTheirThumbprints() {
        List<BulkRegistryEntry> parsed = BulkRegistryRoute.parse("[{\"id\":\"d\",\"importMode\":\"create\","
                + "\"authentication\":{\"x509Thumbprint\":{\"primaryThumbprint\":\"" + "0".repeat(40) + "\"},"
                + "\"type\":\"selfSigned\"}},"
                + "{\"id\":\"d\",\"moduleId\":\"m\",\"importMode\":\"create\","
                + "\"authentication\":{\"type\":\"certificateAuthority\"}}]");

        assertThat(((BulkDeviceOperation) parsed.get(0)).device().authentication()).isEqualTo(
                new RequestedAuthentication(AuthenticationType.SELF_SIGNED, null, null, "0".repeat(40), null));
        assertThat(((BulkModuleOperation) parsed.get(1)).module().authentication().type())
                .isEqualTo(AuthenticationType.CERTIFICATE_AUTHORITY);
    }

    @Test
    void refusesWhatIsNotABulkBody() {
        assertError("{\"id\":\"a\"}", 400, 400006);
        assertError("[1]", 400, 400006);
        assertError("[{\"importMode\":\"create\"}]", 400, 400004);
        assertError("[{\"id\":\"a\",\"importMode\":\"createOrUpdate\"}]", 400, 400004);
        assertError("[{\"id\":\"a\"}]", 400, 400004);
    }

    @Test
    void saysWhatTheLocalHubDoesNotDo() {
        assertError("[{\"id\":\"a\",\"importMode\":\"updateTwin\"}]", 501, 501);
        assertError("[{\"id\":\"a\",\"importMode\":\"create\",\"tags\":{\"x\":1}}]", 501, 501);
        assertError("[{\"id\":\"a\",\"moduleId\":\"m\",\"importMode\":\"create\",\"tags\":{\"x\":1}}]", 501, 501);
    }

    private static void assertError(String body, int status, int code) {
        assertThatThrownBy(() -> BulkRegistryRoute.parse(body)).isInstanceOfSatisfying(IotHubError.class, e -> {
            assertThat(e.httpStatus()).as(e.getMessage()).isEqualTo(status);
            assertThat(e.errorCode()).as(e.getMessage()).isEqualTo(code);
        });
    }
}
