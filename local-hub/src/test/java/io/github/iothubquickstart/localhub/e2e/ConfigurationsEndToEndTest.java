package io.github.iothubquickstart.localhub.e2e;

import static io.github.iothubquickstart.localhub.e2e.ConfigurationReads.statusOf;
import static io.github.iothubquickstart.localhub.e2e.ConfigurationReads.systemMetric;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.AzureSasCredential;
import com.google.gson.JsonParser;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.service.configurations.Configuration;
import com.microsoft.azure.sdk.iot.service.configurations.ConfigurationContent;
import com.microsoft.azure.sdk.iot.service.configurations.ConfigurationsClient;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubBadFormatException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubConflictException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubPreconditionFailedException;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.twin.ConfigurationInfo;
import com.microsoft.azure.sdk.iot.service.twin.ConfigurationStatus;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Configurations (automatic device management) with the real service SDK's {@code ConfigurationsClient}, and what
 * the hub does with them: targeted twins get the desired properties (connected devices get the push over MQTT and
 * AMQPS), the highest priority wins, metrics count, configurations survive a restart, bad input is refused.
 * Applying runs on the hub's own thread after the answer, as on IoT Hub, so the tests wait for its outcome.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConfigurationsEndToEndTest {
    private static final Duration APPLIED_WITHIN = Duration.ofSeconds(10);
    private static final AtomicInteger NUMBERS = new AtomicInteger();

    @RegisterExtension
    static final TestHub hub = TestHub.builder().build();
    static ConfigurationsClient configurations;
    static TwinClient twins;
    static RegistryClient registry;

    @BeforeAll
    static void setUp() {
        clients();
    }

    private static void clients() {
        configurations = new ConfigurationsClient(hub.hub.serviceHost(),
                new AzureSasCredential(hub.sasToken("iothubowner")));
        twins = hub.twinClient("iothubowner");
        registry = hub.registryClient("iothubowner");
    }

    @AfterEach
    void closeDevices() {
        hub.closeDevices();
    }

    @Test
    void createReadReplaceListAndDeleteWithETags() throws Exception {
        String id = newId("crud");
        Configuration created = configurations.create(configuration(id, "tags.crud='none'", 20,
                Map.of("properties.desired.chiller-water", Map.of("temperature", 66, "pressure", 28.02))));

        assertThat(created.getEtag()).isNotBlank();
        Configuration read = configurations.get(id);
        assertThat(read.getId()).isEqualTo(id);
        assertThat(read.getPriority()).isEqualTo(20);
        assertThat(read.getTargetCondition()).isEqualTo("tags.crud='none'");
        assertThat(read.getLabels()).containsEntry("owner", "tests");
        assertThat(read.getEtag()).isEqualTo(created.getEtag());
        assertThat(read.getContent().getDeviceContent().get("properties.desired.chiller-water").toString())
                .contains("temperature=66").contains("pressure=28.02");
        assertThat(read.getMetrics().getQueries()).containsEntry("pending",
                "SELECT deviceId FROM devices WHERE properties.reported.status='pending'");
        assertThat(read.getCreatedTimeUtc()).isNotEqualTo("0001-01-01T00:00:00");

        assertThatThrownBy(() -> configurations.create(configuration(id, "*", 1,
                Map.of("properties.desired.x", 1)))).isInstanceOf(IotHubConflictException.class);

        read.setPriority(1);
        read.setTargetCondition("tags.crud='other'");
        Configuration replaced = configurations.replace(read);
        assertThat(replaced.getPriority()).isEqualTo(1);
        assertThat(replaced.getTargetCondition()).isEqualTo("tags.crud='other'");
        assertThat(replaced.getEtag()).isNotEqualTo(created.getEtag());
        assertThat(replaced.getCreatedTimeUtc()).isEqualTo(read.getCreatedTimeUtc());

        // A replacement or deletion against the ETag from before the change is refused, and changes nothing.
        ServiceHttp http = new ServiceHttp(hub);
        HttpResponse<String> stalePut = http.put("/configurations/" + id, "{\"id\":\"" + id + "\",\"priority\":7,"
                + "\"content\":{\"deviceContent\":{\"properties.desired.chiller-water\":{\"temperature\":66,"
                + "\"pressure\":28.02}}}}", "\"" + created.getEtag() + "\"", "iothubowner");
        assertThat(stalePut.statusCode()).isEqualTo(412);
        assertThatThrownBy(() -> configurations.delete(created)).isInstanceOf(IotHubPreconditionFailedException.class);
        assertThat(configurations.get(id).getPriority()).isEqualTo(1);

        assertThat(configurations.get(100)).extracting(Configuration::getId).contains(id);

        configurations.delete(replaced);
        assertThatThrownBy(() -> configurations.get(id)).isInstanceOf(IotHubNotFoundException.class);
        assertThatThrownBy(() -> configurations.delete(id)).isInstanceOf(IotHubNotFoundException.class);
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"MQTT", "AMQPS"})
    void aConnectedDeviceGetsTheDesiredPropertiesWhenItStartsMatching(IotHubClientProtocol protocol) throws Exception {
        String deviceId = hub.registerDevice(newId("pushed"));
        String site = newId("site");
        BlockingQueue<com.microsoft.azure.sdk.iot.device.twin.Twin> pushes = new LinkedBlockingQueue<>();
        DeviceClient device = hub.device(deviceId, protocol);
        device.open(false);
        device.subscribeToDesiredProperties((twin, context) -> pushes.add(twin), null);
        int versionBefore = twins.get(deviceId).getDesiredProperties().getVersion();
        String id = newId("push");
        configurations.create(configuration(id, "tags.site='" + site + "'", 1,
                Map.of("properties.desired.chiller-water", Map.of("temperature", 66))));
        // Not targeted yet: evaluated, nothing written.
        hub.hub.awaitConfigurationsEvaluated(APPLIED_WITHIN);
        assertThat(twins.get(deviceId).getDesiredProperties().getVersion()).isEqualTo(versionBefore);
        assertThat(statusOf(twins.get(deviceId), id)).isNull();

        setTag(deviceId, "site", site);

        Object pushed = null;
        long deadline = System.nanoTime() + APPLIED_WITHIN.toNanos();
        while (pushed == null && System.nanoTime() < deadline) {
            var update = pushes.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            pushed = update == null ? null : update.getDesiredProperties().get("chiller-water");
        }
        assertThat(pushed).as("the configuration's desired properties pushed to the device").isNotNull();
        assertThat(pushed.toString()).contains("temperature").contains("66");
        Twin twin = twins.get(deviceId);
        assertThat(twin.getDesiredProperties().get("chiller-water").toString()).contains("temperature").contains("66");
        assertThat(twin.getDesiredProperties().getVersion()).isGreaterThan(versionBefore);
        assertThat(statusOf(twin, id)).isEqualTo(ConfigurationStatus.APPLIED);
        configurations.delete(id);
    }

    @Test
    void aDeviceCreatedMatchingGetsTheContent() throws Exception {
        String deviceId = newId("newcomer");
        String id = newId("newcomer-config");
        configurations.create(configuration(id, "deviceId='" + deviceId + "'", 1,
                Map.of("properties.desired.welcome", "yes")));

        registry.addDevice(new Device(deviceId));

        TestHub.awaitThat(() -> "yes".equals(desired(deviceId, "welcome")), APPLIED_WITHIN,
                "the new device's twin has the configuration's desired property");
        configurations.delete(id);
    }

    @Test
    void theHighestPriorityWinsThenTheNewestAndRemovalHandsOver() throws Exception {
        String deviceId = hub.registerDevice(newId("contested"));
        String fleet = newId("fleet");
        setTag(deviceId, "fleet", fleet);
        String target = "tags.fleet='" + fleet + "'";
        String low = newId("low");
        String high = newId("high");
        String tie = newId("tie");
        configurations.create(configuration(low, target, 1, Map.of("properties.desired.mode", "low")));
        awaitDesired(deviceId, "mode", "low");

        configurations.create(configuration(high, target, 5, Map.of("properties.desired.mode", "high")));
        awaitDesired(deviceId, "mode", "high");
        Twin twin = twins.get(deviceId);
        assertThat(statusOf(twin, low)).isEqualTo(ConfigurationStatus.TARGETED);
        assertThat(statusOf(twin, high)).isEqualTo(ConfigurationStatus.APPLIED);

        // Same priority: the one created later wins.
        configurations.create(configuration(tie, target, 5, Map.of("properties.desired.mode", "tie")));
        awaitDesired(deviceId, "mode", "tie");

        configurations.delete(tie);
        awaitDesired(deviceId, "mode", "high");
        TestHub.awaitThat(() -> statusOf(twinOf(deviceId), tie) == null, APPLIED_WITHIN, "the deleted one gone");

        // A device that stops matching keeps its desired properties and loses the statuses.
        setTag(deviceId, "fleet", "elsewhere");
        TestHub.awaitThat(() -> {
            Map<String, ConfigurationInfo> statuses = twinOf(deviceId).getConfigurations();
            return statuses == null || statuses.isEmpty();
        }, APPLIED_WITHIN, "no configuration targets it");
        assertThat(desired(deviceId, "mode")).isEqualTo("high");
        configurations.delete(low);
        configurations.delete(high);
    }

    @Test
    void systemAndCustomMetricsCountTheDevices() throws Exception {
        String group = newId("group");
        List<String> devices = List.of(hub.registerDevice(newId("m")), hub.registerDevice(newId("m")),
                hub.registerDevice(newId("m")));
        for (String deviceId : devices) {
            setTag(deviceId, "group", group);
        }
        setTag(devices.get(0), "state", "pending");
        setTag(devices.get(1), "state", "pending");
        String id = newId("metrics");
        Configuration configuration = configuration(id, "tags.group='" + group + "'", 1,
                Map.of("properties.desired.metered", true));
        configuration.getMetrics().setQueries(Map.of("pending",
                "SELECT deviceId FROM devices WHERE tags.group='" + group + "' AND tags.state='pending'"));
        configurations.create(configuration);

        TestHub.awaitThat(() -> systemMetric(configurations, id, "appliedCount") == 3, APPLIED_WITHIN, "applied to all three");
        Configuration read = configurations.get(id);
        assertThat(read.getSystemMetrics().getResults()).containsEntry("targetedCount", 3L)
                .containsEntry("appliedCount", 3L);
        assertThat(read.getMetrics().getResults()).containsEntry("pending", 2L);

        setTag(devices.get(2), "state", "pending");
        assertThat(configurations.get(id).getMetrics().getResults()).containsEntry("pending", 3L);
        configurations.delete(id);
    }

    @Test
    void badInputIsRefusedAndChangesNothing() throws Exception {
        String deviceId = hub.registerDevice(newId("bystander"));
        String good = newId("good");
        configurations.create(configuration(good, "deviceId='" + deviceId + "'", 1,
                Map.of("properties.desired.kept", "original")));
        awaitDesired(deviceId, "kept", "original");
        Configuration before = configurations.get(good);

        assertThatThrownBy(() -> configurations.create(configuration(newId("bad-where"), "tags.x = ", 1,
                Map.of("properties.desired.x", 1)))).isInstanceOf(IotHubBadFormatException.class)
                .hasMessageContaining("target condition");
        assertThatThrownBy(() -> configurations.create(configuration("Upper-Case", "*", 1,
                Map.of("properties.desired.x", 1)))).isInstanceOf(IotHubBadFormatException.class);
        assertThatThrownBy(() -> configurations.create(configuration(newId("bad-path"), "*", 1,
                Map.of("tags.x", 1)))).isInstanceOf(IotHubBadFormatException.class);
        assertThatThrownBy(() -> configurations.create(configuration(newId("bad-priority"), "*", -1,
                Map.of("properties.desired.x", 1)))).isInstanceOf(IotHubBadFormatException.class);
        Configuration badMetric = configuration(newId("bad-metric"), "*", 1, Map.of("properties.desired.x", 1));
        badMetric.getMetrics().setQueries(Map.of("m", "SELECT deviceId FROM jobs"));
        assertThatThrownBy(() -> configurations.create(badMetric)).isInstanceOf(IotHubBadFormatException.class);
        // Content cannot change after creation.
        Configuration changedContent = configurations.get(good);
        changedContent.getContent().setDeviceContent(Map.of("properties.desired.kept", "changed"));
        assertThatThrownBy(() -> configurations.replace(changedContent)).isInstanceOf(IotHubBadFormatException.class)
                .hasMessageContaining("content");
        // applyConfigurationContent takes IoT Edge deployments (modulesContent) only.
        ConfigurationContent deviceContent = new ConfigurationContent();
        deviceContent.setDeviceContent(Map.of("properties.desired.x", 1));
        assertThatThrownBy(() -> configurations.applyConfigurationContentOnDevice(deviceId, deviceContent))
                .isInstanceOf(IotHubBadFormatException.class);
        HttpResponse<String> notJson = new ServiceHttp(hub).put("/configurations/" + newId("garbage"), "{nope",
                null, "iothubowner");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(JsonParser.parseString(notJson.body()).getAsJsonObject().get("errorCode").getAsInt())
                .isEqualTo(400006);

        assertThat(configurations.get(100)).extracting(Configuration::getId)
                .noneMatch(id -> id.contains("bad-") || id.contains("garbage"));
        Configuration after = configurations.get(good);
        assertThat(after.getEtag()).isEqualTo(before.getEtag());
        assertThat(after.getContent().getDeviceContent()).isEqualTo(before.getContent().getDeviceContent());
        assertThat(desired(deviceId, "kept")).isEqualTo("original");
        configurations.delete(good);
    }

    @Test
    void configurationsAndWhatWasAppliedSurviveARestart() throws Exception {
        String deviceId = hub.registerDevice(newId("durable"));
        String id = newId("durable");
        configurations.create(configuration(id, "deviceId='" + deviceId + "'", 3,
                Map.of("properties.desired.durable", 1)));
        awaitDesired(deviceId, "durable", "1");
        Configuration before = configurations.get(id);
        int desiredVersion = twins.get(deviceId).getDesiredProperties().getVersion();

        hub.restart();
        clients();

        Configuration after = configurations.get(id);
        assertThat(after.getEtag()).isEqualTo(before.getEtag());
        assertThat(after.getPriority()).isEqualTo(3);
        assertThat(after.getCreatedTimeUtc()).isEqualTo(before.getCreatedTimeUtc());
        TestHub.awaitThat(() -> statusOf(twinOf(deviceId), id) == ConfigurationStatus.APPLIED, APPLIED_WITHIN,
                "the twin shows the configuration applied after the restart");
        // Not written again: the twin's desired version did not move.
        assertThat(twins.get(deviceId).getDesiredProperties().getVersion()).isEqualTo(desiredVersion);
        configurations.delete(id);
    }

    private static Configuration configuration(String id, String targetCondition, int priority,
                                               Map<String, Object> deviceContent) {
        Configuration configuration = new Configuration(id);
        ConfigurationContent content = new ConfigurationContent();
        content.setDeviceContent(new HashMap<>(deviceContent));
        configuration.setContent(content);
        configuration.setTargetCondition(targetCondition);
        configuration.setPriority(priority);
        configuration.setLabels(new HashMap<>(Map.of("owner", "tests")));
        configuration.getMetrics().setQueries(new HashMap<>(Map.of("pending",
                "SELECT deviceId FROM devices WHERE properties.reported.status='pending'")));
        return configuration;
    }

    private static void setTag(String deviceId, String name, String value) throws Exception {
        Twin tags = new Twin(deviceId);
        tags.getTags().put(name, value);
        twins.patch(tags);
    }

    private static void awaitDesired(String deviceId, String name, String value) throws InterruptedException {
        TestHub.awaitThat(() -> value.equals(desired(deviceId, name)), APPLIED_WITHIN,
                deviceId + "'s desired " + name + " is " + value);
    }

    private static String desired(String deviceId, String name) {
        Object value = twinOf(deviceId).getDesiredProperties().get(name);
        if (value instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())) {
            return Long.toString(number.longValue());
        }
        return value == null ? null : value.toString();
    }

    private static Twin twinOf(String deviceId) {
        try {
            return twins.get(deviceId);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String newId(String base) {
        return base + "-" + NUMBERS.incrementAndGet();
    }
}
