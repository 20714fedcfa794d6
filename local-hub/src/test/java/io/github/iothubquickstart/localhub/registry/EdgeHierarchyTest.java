package io.github.iothubquickstart.localhub.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.testing.InMemoryDeviceRegistry;
import io.github.iothubquickstart.localhub.testing.RecordingPresence;
import io.github.iothubquickstart.localhub.testing.TestClock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** IoT Hub's parent and child rules, applied by RegistryService on create and update. */
class EdgeHierarchyTest {
    private static final Instant START = Instant.parse("2026-03-01T08:00:00Z");

    private final InMemoryDeviceRegistry registry = new InMemoryDeviceRegistry(new TestClock(START));
    private final RegistryService service = new RegistryService(registry, new RecordingPresence(START));

    private static DeviceUpdate asking(boolean iotEdge, String deviceScope, String parentScope) {
        return new DeviceUpdate(null, null, true, null, new EdgeHierarchy(iotEdge, deviceScope, parentScope));
    }

    private DeviceIdentity edge(String deviceId, String parentScope) {
        return service.create(deviceId, asking(true, null, parentScope)).identity();
    }

    @Test
    void anEdgeDeviceGetsItsOwnScopeWhateverTheRequestSays() {
        DeviceIdentity edge = service.create("gw", asking(true, "ms-azure-iot-edge://chosen-1", null)).identity();

        assertThat(edge.edge()).isEqualTo(new EdgeHierarchy(true,
                "ms-azure-iot-edge://gw-" + START.toEpochMilli(), null));
        assertThat(EdgeHierarchy.scopeOf(edge)).isEqualTo(edge.edge().deviceScope());
    }

    @Test
    void aLeafNamingItsParentInEitherMemberGetsItInBoth() {
        String parent = edge("gw", null).edge().deviceScope();

        DeviceIdentity byScope = service.create("leaf-1", asking(false, parent, null)).identity();
        DeviceIdentity byParentScopes = service.create("leaf-2", asking(false, null, parent)).identity();

        assertThat(byScope.edge()).isEqualTo(new EdgeHierarchy(false, parent, parent));
        assertThat(byParentScopes.edge()).isEqualTo(byScope.edge());
        assertThat(byScope.edge().parentScopes()).containsExactly(parent);
    }

    @Test
    void anEdgeDeviceMayHaveAnEdgeParentButNotItself() {
        DeviceIdentity top = edge("top", null);
        DeviceIdentity lower = edge("lower", top.edge().deviceScope());

        assertThat(lower.edge().parentScope()).isEqualTo(top.edge().deviceScope());
        assertThat(lower.edge().deviceScope()).isNotEqualTo(top.edge().deviceScope());
        assertArgumentInvalid(() -> service.update("top", asking(true, null, top.edge().deviceScope()), null));
    }

    @Test
    void aParentMustBeARegisteredEdgeDevice() {
        DeviceIdentity plain = registry.createDevice("plain");

        assertArgumentInvalid(() -> service.create("leaf", asking(false, "ms-azure-iot-edge://ghost-1", null)));
        assertArgumentInvalid(() -> service.create("leaf", asking(false,
                "ms-azure-iot-edge://plain-" + plain.generationId(), null)));
        assertArgumentInvalid(() -> service.create("leaf", asking(false, "not-a-scope", null)));
        assertThat(registry.findDevice("leaf")).isEmpty();
    }

    @Test
    void aLeafWhoseTwoMembersDisagreeIsRefused() {
        String first = edge("gw-1", null).edge().deviceScope();
        String second = edge("gw-2", null).edge().deviceScope();

        assertArgumentInvalid(() -> service.create("leaf", asking(false, first, second)));
    }

    @Test
    void anUpdateReplacesTheHierarchyAndChangesTheETag() {
        String parent = edge("gw", null).edge().deviceScope();
        DeviceIdentity leaf = service.create("leaf", asking(false, parent, null)).identity();

        DeviceIdentity detached = service.update("leaf", DeviceUpdate.enabledWithGeneratedKeys(), leaf.etag()).identity();

        assertThat(detached.edge()).isEqualTo(EdgeHierarchy.NONE);
        assertThat(detached.etag()).isNotEqualTo(leaf.etag());
        DeviceIdentity promoted = service.update("leaf", asking(true, null, null), null).identity();
        assertThat(promoted.edge().deviceScope()).isEqualTo(EdgeHierarchy.scopeOf(promoted));
    }

    private static void assertArgumentInvalid(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(IotHubError.class, e -> {
            assertThat(e.httpStatus()).isEqualTo(400);
            assertThat(e.errorCode()).isEqualTo(400004);
        });
    }
}
