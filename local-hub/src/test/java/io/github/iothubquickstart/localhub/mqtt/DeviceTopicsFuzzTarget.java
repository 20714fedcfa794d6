package io.github.iothubquickstart.localhub.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

/**
 * Coverage-guided fuzzing (Jazzer) of the MQTT topics and subscription filters a device sends. The inputs under
 * {@code DeviceTopicsFuzzTargetInputs/} run as regression tests in every build; {@code src/test/fuzz/run-fuzzers.sh}
 * fuzzes each method.
 */
class DeviceTopicsFuzzTarget {
    private static final IdentityId DEVICE = IdentityId.device("dev1");
    private static final IdentityId MODULE = IdentityId.module("dev1", "mod1");

    @FuzzTest
    void twinRequestTopics(byte[] input) {
        String topic = text(input);

        Optional<DeviceTopics.TwinRequestTopic> parsed = DeviceTopics.twinRequest(topic);

        if (parsed.isEmpty()) {
            return;
        }
        DeviceTopics.TwinRequestTopic request = parsed.get();
        assertThat(request.requestId()).hasSizeBetween(1, 128);
        assertThat(request.baseVersion() == null || request.operation() == DeviceTopics.TwinOperation.PATCH_REPORTED)
                .isTrue();
        if (request.baseVersion() != null) {
            assertThat(request.baseVersion()).isNotNegative();
        }
        // The hub answers on a topic built from the request id: it must be a topic name a client can receive
        // (MQTT-4.7.1-1: no wildcard; no NUL, MQTT-1.5.3-2) and name that same request id back.
        String answer = DeviceTopics.twinResponse(204, request.requestId(), 3L);
        assertValidTopicName(answer);
        assertThat(answer).endsWith("/?$rid=" + request.requestId() + "&$version=3");
        // Written back as a device writes it, the request reads the same.
        String rewritten = (request.operation() == DeviceTopics.TwinOperation.GET
                ? "$iothub/twin/GET/?$rid=" : "$iothub/twin/PATCH/properties/reported/?$rid=") + request.requestId()
                + (request.baseVersion() == null ? "" : "&$version=" + request.baseVersion());
        assertThat(DeviceTopics.twinRequest(rewritten)).contains(request);
    }

    @FuzzTest
    void methodResponseTopics(byte[] input) {
        String topic = text(input);

        Optional<DeviceTopics.MethodResponseTopic> parsed = DeviceTopics.methodResponse(topic);

        if (parsed.isEmpty()) {
            return;
        }
        DeviceTopics.MethodResponseTopic response = parsed.get();
        assertThat(response.status()).isBetween(0, 999_999_999);
        assertThat(response.requestId()).isNotEmpty().doesNotContain("&", "/");
        assertThat(topic).endsWith("/?$rid=" + response.requestId());
        assertThat(DeviceTopics.methodResponse("$iothub/methods/res/" + response.status() + "/?$rid="
                + response.requestId())).contains(response);
    }

    @FuzzTest
    void subscriptionFilters(byte[] input) {
        String filter = text(input);

        for (IdentityId identity : new IdentityId[] {DEVICE, MODULE}) {
            Optional<DeviceTopics.Subscription> subscription = DeviceTopics.subscription(filter, identity);
            // A device may subscribe to its own topics only: exactly one of these four filters, never a wildcard
            // that reaches another device's messages.
            Set<String> own = Set.of(DeviceTopics.cloudToDeviceFilter(identity), DeviceTopics.METHODS_FILTER,
                    DeviceTopics.TWIN_RESPONSES_FILTER, DeviceTopics.TWIN_DESIRED_FILTER);
            assertThat(subscription.isPresent()).isEqualTo(own.contains(filter));
        }
    }

    @FuzzTest
    void telemetryTopics(byte[] input) {
        String topic = text(input);

        for (IdentityId identity : new IdentityId[] {DEVICE, MODULE}) {
            String prefix = DeviceTopics.telemetryPrefix(identity);
            Optional<String> bag = DeviceTopics.telemetryPropertyBag(topic, identity);
            if (bag.isEmpty()) {
                continue;
            }
            // Only the identity's own telemetry topic carries a bag, and the bag is what follows its prefix.
            assertThat(topic + "/").startsWith(prefix);
            assertThat(topic).contains(bag.get());
            assertThat(bag.get().length()).isLessThanOrEqualTo(Math.max(0, topic.length() - prefix.length()));
            PropertyBag.parse(bag.get());
        }
    }

    static void assertValidTopicName(String topic) {
        assertThat(topic).doesNotContain("#", "+", "\0");
    }

    private static String text(byte[] input) {
        return new String(input, StandardCharsets.UTF_8);
    }
}
