package io.github.iothubquickstart.localhub.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.localhub.mqtt.DeviceTopics.Subscription;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DeviceTopicsTest {

    @ParameterizedTest
    @CsvSource({
            "devices/dev1/messages/devicebound/#, CLOUD_TO_DEVICE",
            "$iothub/methods/POST/#, METHODS",
            "$iothub/twin/res/#, TWIN_RESPONSES",
            "$iothub/twin/PATCH/properties/desired/#, TWIN_DESIRED"})
    void iotHubFiltersOfTheDeviceAreGranted(String filter, Subscription expected) {
        assertThat(DeviceTopics.subscription(filter, "dev1")).contains(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"#", "+/#", "devices/#", "devices/+/messages/devicebound/#",
            "devices/dev2/messages/devicebound/#", "devices/dev1/messages/events/#", "$iothub/#",
            "$iothub/methods/#", "$iothub/methods/POST/+", "$SYS/#", ""})
    void anyOtherFilterIsRefused(String filter) {
        assertThat(DeviceTopics.subscription(filter, "dev1")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
            "devices/dev1/messages/events/, ''",
            "devices/dev1/messages/events, ''",
            "devices/dev1/messages/events/$.ct=application%2Fjson&a=b, $.ct=application%2Fjson&a=b"})
    void telemetryTopicsOfTheDeviceYieldTheirPropertyBag(String topic, String bag) {
        assertThat(DeviceTopics.telemetryPropertyBag(topic, "dev1")).contains(bag);
    }

    @ParameterizedTest
    @ValueSource(strings = {"devices/dev2/messages/events/", "devices/dev1/messages/eventsX",
            "devices/dev1/messages/devicebound/", "$iothub/methods/POST/m/?$rid=1", "devices/dev1"})
    void otherTopicsAreNotTelemetryOfTheDevice(String topic) {
        assertThat(DeviceTopics.telemetryPropertyBag(topic, "dev1")).isEmpty();
    }

    @Test
    void methodResponseTopicGivesStatusAndRequestId() {
        assertThat(DeviceTopics.methodResponse("$iothub/methods/res/200/?$rid=1f"))
                .contains(new DeviceTopics.MethodResponseTopic(200, "1f"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"$iothub/methods/res/abc/?$rid=1", "$iothub/methods/res/200/?$rid=",
            "$iothub/methods/res//?$rid=1", "$iothub/methods/res/200", "$iothub/methods/POST/200/?$rid=1",
            "$iothub/methods/res/9999999999/?$rid=1", "$iothub/methods/res/200/?$rid=1/x"})
    void malformedMethodResponseTopicsAreRefused(String topic) {
        assertThat(DeviceTopics.methodResponse(topic)).isEmpty();
    }

    @Test
    void methodRequestTopicIsWhatTheSdksSubscribeFor() {
        assertThat(DeviceTopics.methodRequest("SetTelemetryInterval", "a1"))
                .isEqualTo("$iothub/methods/POST/SetTelemetryInterval/?$rid=a1");
    }

    @ParameterizedTest
    @CsvSource({
            "$iothub/twin/GET/?$rid=0, GET, 0",
            "$iothub/twin/GET/?$rid=6f1c-22, GET, 6f1c-22",
            "$iothub/twin/PATCH/properties/reported/?$rid=r1, PATCH_REPORTED, r1",
            "$iothub/twin/PATCH/properties/reported/?$rid=r2&$version=7, PATCH_REPORTED, r2"})
    void twinRequestsOfTheSdksAreRecognised(String topic, DeviceTopics.TwinOperation operation, String requestId) {
        assertThat(DeviceTopics.twinRequest(topic)).hasValueSatisfying(request -> {
            assertThat(request.operation()).isEqualTo(operation);
            assertThat(request.requestId()).isEqualTo(requestId);
        });
    }

    @Test
    void theBaseVersionOfAReportedPatchIsRead() {
        assertThat(DeviceTopics.twinRequest("$iothub/twin/PATCH/properties/reported/?$rid=r2&$version=7"))
                .contains(new DeviceTopics.TwinRequestTopic(DeviceTopics.TwinOperation.PATCH_REPORTED, "r2", 7L));
        assertThat(DeviceTopics.twinRequest("$iothub/twin/PATCH/properties/reported/?$version=12&$rid=r3"))
                .contains(new DeviceTopics.TwinRequestTopic(DeviceTopics.TwinOperation.PATCH_REPORTED, "r3", 12L));
        assertThat(DeviceTopics.twinRequest("$iothub/twin/PATCH/properties/reported/?$rid=r1"))
                .contains(new DeviceTopics.TwinRequestTopic(DeviceTopics.TwinOperation.PATCH_REPORTED, "r1", null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"$iothub/twin/GET/", "$iothub/twin/GET/?$rid=", "$iothub/twin/GET/?rid=1",
            "$iothub/twin/PATCH/properties/reported/?$rid=1&$version=", "$iothub/twin/PATCH/properties/reported/?$rid=1&$version=x",
            "$iothub/twin/PATCH/properties/reported/?$rid=1&$version=-1",
            "$iothub/twin/PATCH/properties/reported/?$rid=1&$version=1234567890123456789",
            "$iothub/twin/PATCH/properties/desired/?$rid=1", "$iothub/twin/PATCH/properties/reported/?$version=1",
            "$iothub/twin/GET/?$rid=a/b", "$iothub/twin/GET/?$rid=a b", "$iothub/twin/res/200/?$rid=1"})
    void malformedOrForeignTwinTopicsAreNotTwinRequests(String topic) {
        assertThat(DeviceTopics.twinRequest(topic)).isEmpty();
    }

    /** Found by DeviceTopicsFuzzTarget: the answer would go out on a topic name with a wildcard in it. */
    @ParameterizedTest
    @ValueSource(strings = {"$iothub/twin/GET/?$rid=a#b", "$iothub/twin/GET/?$rid=#",
            "$iothub/twin/PATCH/properties/reported/?$rid=a+b", "$iothub/twin/PATCH/properties/reported/?$rid=+&$version=1"})
    void requestIdsWithWildcardsAreNotTwinRequests(String topic) {
        assertThat(DeviceTopics.twinRequest(topic)).isEmpty();
    }

    @Test
    void twinAnswersAndNotificationsUseIotHubTopics() {
        assertThat(DeviceTopics.twinResponse(200, "r1", null)).isEqualTo("$iothub/twin/res/200/?$rid=r1");
        assertThat(DeviceTopics.twinResponse(204, "r2", 5L)).isEqualTo("$iothub/twin/res/204/?$rid=r2&$version=5");
        assertThat(DeviceTopics.desiredPropertiesPatch(3)).isEqualTo("$iothub/twin/PATCH/properties/desired/?$version=3");
    }

    private static final IdentityId MODULE = IdentityId.module("dev1", "mod1");

    @ParameterizedTest
    @CsvSource({
            "devices/dev1/modules/mod1/messages/events/, ''",
            "devices/dev1/modules/mod1/messages/events/a=b/, a=b",
            "devices/dev1/modules/mod1/messages/events/$.mid=7&a=b/, $.mid=7&a=b"})
    void moduleTelemetryTopicsYieldTheirPropertyBagWithoutTheModuleClientsTrailingSlash(String topic, String bag) {
        assertThat(DeviceTopics.telemetryPropertyBag(topic, MODULE)).contains(bag);
    }

    @ParameterizedTest
    @ValueSource(strings = {"devices/dev1/messages/events/", "devices/dev1/modules/mod2/messages/events/",
            "devices/dev2/modules/mod1/messages/events/"})
    void aModuleMayNotSendOnItsDevicesNorAnotherModulesTelemetryTopic(String topic) {
        assertThat(DeviceTopics.telemetryPropertyBag(topic, MODULE)).isEmpty();
    }

    @Test
    void aDeviceMayNotSendOnItsModulesTelemetryTopic() {
        assertThat(DeviceTopics.telemetryPropertyBag("devices/dev1/modules/mod1/messages/events/", "dev1")).isEmpty();
    }

    @Test
    void aModuleSubscribesToItsOwnCloudToDeviceTopicOnly() {
        assertThat(DeviceTopics.subscription("devices/dev1/modules/mod1/messages/devicebound/#", MODULE))
                .contains(Subscription.CLOUD_TO_DEVICE);
        assertThat(DeviceTopics.subscription("devices/dev1/messages/devicebound/#", MODULE)).isEmpty();
        assertThat(DeviceTopics.subscription("devices/dev1/modules/mod1/messages/devicebound/#", "dev1")).isEmpty();
    }
}
