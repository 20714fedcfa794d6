package io.github.iothubquickstart.localhub.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.registry.BulkDeviceOperation;
import io.github.iothubquickstart.localhub.registry.ImportMode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bulk body as the SDKs write it: import shape ({@code id}, {@code importMode}, {@code eTag}, ...). */
class BulkRegistryRouteTest {

    @Test
    void readsIdsModesETagsAndDevicesWhateverTheModeCase() {
        List<BulkDeviceOperation> parsed = BulkRegistryRoute.parse("[{\"id\":\"a\",\"importMode\":\"Create\","
                + "\"status\":\"disabled\",\"authentication\":{\"type\":\"sas\"}},"
                + "{\"id\":\"b\",\"importMode\":\"deleteIfMatchETag\",\"eTag\":\"AAAA\"},"
                + "{\"id\":\"c\",\"importMode\":\"update\",\"capabilities\":{\"iotEdge\":true}}]");

        assertThat(parsed).extracting(BulkDeviceOperation::deviceId).containsExactly("a", "b", "c");
        assertThat(parsed).extracting(BulkDeviceOperation::mode)
                .containsExactly(ImportMode.CREATE, ImportMode.DELETE_IF_MATCH_ETAG, ImportMode.UPDATE);
        assertThat(parsed.get(0).device().enabled()).isFalse();
        assertThat(parsed.get(1).eTag()).isEqualTo("AAAA");
        assertThat(parsed.get(2).device().edge().iotEdge()).isTrue();
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
        assertError("[{\"id\":\"a\",\"moduleId\":\"m\",\"importMode\":\"create\"}]", 501, 501);
    }

    private static void assertError(String body, int status, int code) {
        assertThatThrownBy(() -> BulkRegistryRoute.parse(body)).isInstanceOfSatisfying(IotHubError.class, e -> {
            assertThat(e.httpStatus()).as(e.getMessage()).isEqualTo(status);
            assertThat(e.errorCode()).as(e.getMessage()).isEqualTo(code);
        });
    }
}
