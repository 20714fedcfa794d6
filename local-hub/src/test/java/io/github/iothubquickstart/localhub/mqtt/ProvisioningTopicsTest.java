package io.github.iothubquickstart.localhub.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** DPS's MQTT strings as the Java (ContractAPIMqtt), Node and C# provisioning clients write them, and fuzzed. */
class ProvisioningTopicsTest {
    private static final long SEED = Long.getLong("fuzz.seed", 20261206L);
    private static final int ITERATIONS = Integer.getInteger("fuzz.iterations", 300) * 100;

    @Test
    void aDpsUserNameIsToldFromAHubOne() {
        assertThat(ProvisioningTopics.userName(
                "0ne0000ABCD/registrations/sensor-1/api-version=2019-03-31&ClientVersion=2019-03-31"))
                .contains(new ProvisioningTopics.UserName("0ne0000ABCD", "sensor-1",
                        "api-version=2019-03-31&ClientVersion=2019-03-31"));
        // A hub device (or a module) named "registrations" has "?" where DPS has "api-version=".
        assertThat(ProvisioningTopics.userName("hub.local/registrations/?api-version=2021-04-12")).isEmpty();
        assertThat(ProvisioningTopics.userName("hub.local/registrations/x/?api-version=2021-04-12")).isEmpty();
        assertThat(ProvisioningTopics.userName("hub.local/dev1/?api-version=2021-04-12")).isEmpty();
        assertThat(ProvisioningTopics.userName("0ne0000ABCD/registrations//api-version=1")).isEmpty();
        assertThat(ProvisioningTopics.userName(null)).isEmpty();
    }

    @Test
    void theTwoRequestsAreRead() {
        assertThat(ProvisioningTopics.request("$dps/registrations/PUT/iotdps-register/?$rid=1"))
                .contains(new ProvisioningTopics.Request(ProvisioningTopics.Operation.REGISTER, "1", null));
        assertThat(ProvisioningTopics.request(
                "$dps/registrations/GET/iotdps-get-operationstatus/?$rid=2&operationId=4.abc.0f1e-22"))
                .contains(new ProvisioningTopics.Request(ProvisioningTopics.Operation.OPERATION_STATUS, "2",
                        "4.abc.0f1e-22"));
        // The parameters in either order (Node writes $rid first too, but nothing says it must).
        assertThat(ProvisioningTopics.request(
                "$dps/registrations/GET/iotdps-get-operationstatus/?operationId=4.x&$rid=c8a1"))
                .map(ProvisioningTopics.Request::requestId).contains("c8a1");
    }

    @Test
    void malformedRequestsAreNotRequests() {
        for (String topic : new String[] {
            "$dps/registrations/PUT/iotdps-register/",
            "$dps/registrations/PUT/iotdps-register/?",
            "$dps/registrations/PUT/iotdps-register/?rid=1",
            "$dps/registrations/PUT/iotdps-register/?$rid=",
            "$dps/registrations/PUT/iotdps-register/?$rid=1&$rid=2",
            "$dps/registrations/PUT/iotdps-register/?$rid=1&operationId=4.x",
            "$dps/registrations/PUT/iotdps-register/?$rid=a/b",
            "$dps/registrations/PUT/iotdps-register/?$rid=a b",
            "$dps/registrations/PUT/iotdps-register/?$rid=1&",
            "$dps/registrations/PUT/iotdps-register/?$rid=" + "9".repeat(257),
            "$dps/registrations/GET/iotdps-get-operationstatus/?$rid=2",
            "$dps/registrations/GET/iotdps-get-operationstatus/?operationId=4.x",
            "$dps/registrations/res/200/?$rid=1",
            "$dps/registrations/PUT/iotdps-register",
            "devices/d/messages/events/",
            "",
        }) {
            assertThat(ProvisioningTopics.request(topic)).as(topic).isEmpty();
        }
        assertThat(ProvisioningTopics.request(null)).isEmpty();
    }

    @Test
    void answersGoToTheResponseTopicWithRetryAfterWhenPolling() {
        assertThat(ProvisioningTopics.response(202, "7", 2)).isEqualTo("$dps/registrations/res/202/?$rid=7&retry-after=2");
        assertThat(ProvisioningTopics.response(401, "7", null)).isEqualTo("$dps/registrations/res/401/?$rid=7");
    }

    /**
     * Seeded fuzz: random strings and mutations of valid topics and user names never throw, and whatever is read as
     * a request carries only printable, bounded ids that can go back into a response topic.
     */
    @Test
    void fuzzedTopicsAndUserNamesNeverThrowAndYieldOnlyCleanIds() {
        Random random = new Random(SEED);
        String[] valid = {
            "$dps/registrations/PUT/iotdps-register/?$rid=1",
            "$dps/registrations/GET/iotdps-get-operationstatus/?$rid=2&operationId=4.abc.0f1e-22",
            "0ne0000ABCD/registrations/sensor-1/api-version=2019-03-31&ClientVersion=2019-03-31",
        };
        for (int i = 0; i < ITERATIONS; i++) {
            String input = random.nextBoolean() ? mutate(random, valid[random.nextInt(valid.length)])
                    : randomText(random, random.nextInt(300));
            Optional<ProvisioningTopics.Request> request = ProvisioningTopics.request(input);
            request.ifPresent(read -> {
                assertClean(read.requestId(), input);
                if (read.operationId() != null) {
                    assertClean(read.operationId(), input);
                }
                assertThat(ProvisioningTopics.response(200, read.requestId(), null)).doesNotContain("#", "+");
            });
            ProvisioningTopics.userName(input).ifPresent(user -> assertThat(user.registrationId()).isNotEmpty());
        }
    }

    private static void assertClean(String id, String input) {
        assertThat(id).as("from %s (seed %d)", input, SEED).isNotEmpty().hasSizeLessThanOrEqualTo(256)
                .matches("[\\x21-\\x7e]+").doesNotContain("/", "#", "+", "&", "=");
    }

    private static String mutate(Random random, String topic) {
        StringBuilder text = new StringBuilder(topic);
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && !text.isEmpty(); e++) {
            int at = random.nextInt(text.length());
            switch (random.nextInt(4)) {
                case 0 -> text.deleteCharAt(at);
                case 1 -> text.insert(at, randomChar(random));
                case 2 -> text.setCharAt(at, randomChar(random));
                default -> text.insert(at, "&$rid=" + randomText(random, random.nextInt(5)));
            }
        }
        return text.toString();
    }

    private static String randomText(Random random, int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(randomChar(random));
        }
        return text.toString();
    }

    private static char randomChar(Random random) {
        String interesting = "$/?&=#+ \u0000\u00e9registrationsPUTGETrid";
        return random.nextInt(3) == 0 ? interesting.charAt(random.nextInt(interesting.length()))
                : new String(new byte[] {(byte) random.nextInt(256)}, StandardCharsets.ISO_8859_1).charAt(0);
    }
}
