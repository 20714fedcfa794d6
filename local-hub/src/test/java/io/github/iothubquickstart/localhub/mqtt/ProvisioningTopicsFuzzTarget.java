package io.github.iothubquickstart.localhub.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Coverage-guided fuzzing (Jazzer) of the Device Provisioning Service's MQTT dialect: the CONNECT user name and the
 * request topics. Inputs under {@code ProvisioningTopicsFuzzTargetInputs/} run as regression tests in every build.
 */
class ProvisioningTopicsFuzzTarget {

    @FuzzTest
    void requestTopics(byte[] input) {
        String topic = new String(input, StandardCharsets.UTF_8);

        Optional<ProvisioningTopics.Request> parsed = ProvisioningTopics.request(topic);

        if (parsed.isEmpty()) {
            return;
        }
        ProvisioningTopics.Request request = parsed.get();
        assertThat(request.requestId()).hasSizeBetween(1, ProvisioningTopics.MAX_VALUE_LENGTH);
        assertThat(request.operationId() == null)
                .isEqualTo(request.operation() == ProvisioningTopics.Operation.REGISTER);
        // The answer topic echoes the request id: it must be a topic name the client can receive.
        String answer = ProvisioningTopics.response(202, request.requestId(), 3);
        DeviceTopicsFuzzTarget.assertValidTopicName(answer);
        assertThat(answer).isEqualTo("$dps/registrations/res/202/?$rid=" + request.requestId() + "&retry-after=3");
        String rewritten = request.operation() == ProvisioningTopics.Operation.REGISTER
                ? "$dps/registrations/PUT/iotdps-register/?$rid=" + request.requestId()
                : "$dps/registrations/GET/iotdps-get-operationstatus/?$rid=" + request.requestId()
                        + "&operationId=" + request.operationId();
        assertThat(ProvisioningTopics.request(rewritten)).contains(request);
    }

    @FuzzTest
    void userNames(byte[] input) {
        String userName = new String(input, StandardCharsets.UTF_8);

        Optional<ProvisioningTopics.UserName> parsed = ProvisioningTopics.userName(userName);

        if (parsed.isEmpty()) {
            return;
        }
        ProvisioningTopics.UserName name = parsed.get();
        assertThat(name.idScope()).isNotEmpty().doesNotContain("/");
        assertThat(name.registrationId()).isNotEmpty().doesNotContain("/");
        assertThat(name.parameters()).startsWith("api-version=");
        assertThat(name.idScope() + "/registrations/" + name.registrationId() + "/" + name.parameters())
                .isEqualTo(userName);
    }
}
