package io.github.iothubquickstart.device;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** When the device registers through a Device Provisioning Service first, and with which values. */
class DeviceCommandProvisioningTest {
    static final String KEY = CommandHarness.KEY;
    static final String CONNECTION_STRING = "HostName=myhub.azure-devices.net;DeviceId=MyJavaDevice;SharedAccessKey=" + KEY;

    private final CommandHarness harness = new CommandHarness();

    private void setProvisioningVariables() {
        harness.environment.put("PROVISIONING_IDSCOPE", "0ne00ABCDEF");
        harness.environment.put("PROVISIONING_REGISTRATION_ID", "sensor-1");
        harness.environment.put("PROVISIONING_SYMMETRIC_KEY", KEY);
    }

    @Test
    void theThreeVariablesOfAzuresSamplesProvisionThroughTheGlobalEndpoint() {
        setProvisioningVariables();

        assertThat(harness.run("--protocol", "AMQPS_WS")).as(harness.stderr()).isZero();

        ProvisioningSettings settings = harness.provisioned.get();
        assertThat(settings.host()).isEqualTo("global.azure-devices-provisioning.net");
        assertThat(settings.idScope()).isEqualTo("0ne00ABCDEF");
        assertThat(settings.registrationId()).isEqualTo("sensor-1");
        assertThat(settings.symmetricKey()).isEqualTo(KEY);
        assertThat(settings.trustManager()).as("Azure: the JVM's trust").isEmpty();
        assertThat(harness.provisionedOver.get()).isEqualTo(Protocol.AMQPS_WS);
        DeviceConfig config = harness.launched.get();
        assertThat(config.connection().connectionString().hostName()).isEqualTo("assigned.example.net");
        assertThat(config.connection().connectionString().deviceId()).isEqualTo("sensor-1");
        assertThat(config.protocol()).isEqualTo(Protocol.AMQPS_WS);
    }

    @Test
    void provisioningHostVariableNamesTheService() {
        setProvisioningVariables();
        harness.environment.put("PROVISIONING_HOST", "my-dps.azure-devices-provisioning.net");

        assertThat(harness.run()).isZero();

        assertThat(harness.provisioned.get().host()).isEqualTo("my-dps.azure-devices-provisioning.net");
    }

    @Test
    void optionsWinOverTheVariablesFieldByField() {
        setProvisioningVariables();

        assertThat(harness.run("--provision", "--registration-id", "sensor-2", "--provisioning-host",
                "127.0.0.9")).as(harness.stderr()).isZero();

        ProvisioningSettings settings = harness.provisioned.get();
        assertThat(settings.registrationId()).isEqualTo("sensor-2");
        assertThat(settings.host()).isEqualTo("127.0.0.9");
        assertThat(settings.idScope()).isEqualTo("0ne00ABCDEF");
        assertThat(settings.symmetricKey()).isEqualTo(KEY);
    }

    @Test
    void optionsAloneProvision() {
        assertThat(harness.run("--provision", "--id-scope", "0ne00ABCDEF", "--registration-id", "sensor-3",
                "--symmetric-key", KEY)).as(harness.stderr()).isZero();

        assertThat(harness.provisioned.get().registrationId()).isEqualTo("sensor-3");
        assertThat(harness.provisioned.get().host()).isEqualTo("global.azure-devices-provisioning.net");
        assertThat(harness.launched.get().connection().connectionString().deviceId()).isEqualTo("sensor-3");
    }

    @Test
    void provisionAloneUsesTheLocalHubsEnrollment() {
        harness.localEnrollment = new ProvisioningSettings("127.0.0.1", "0ne00LOCAL1", "my-provisioned-device", KEY,
                null);

        assertThat(harness.run("--provision")).as(harness.stderr()).isZero();

        assertThat(harness.provisioned.get()).isSameAs(harness.localEnrollment);
    }

    @Test
    void provisionAloneWithoutALocalHubIsBadInputOnOneLine() {
        assertThat(harness.run("--provision")).isEqualTo(2);

        assertThat(harness.stderr()).isEqualTo("error: no local hub to enroll on in this test" + System.lineSeparator());
        assertThat(harness.launched).hasNullValue();
    }

    @Test
    void theConnectionStringOptionWinsOverTheVariables() {
        setProvisioningVariables();

        assertThat(harness.run("--connection-string", CONNECTION_STRING)).isZero();

        assertThat(harness.provisioned).hasNullValue();
        assertThat(harness.launched.get().connection().connectionString().deviceId()).isEqualTo("MyJavaDevice");
    }

    @Test
    void aRefusalIsAFailureNotBadInput() {
        setProvisioningVariables();
        harness.provisioningFailure = new DeviceProvisioner.ProvisioningFailure("the provisioning service refused", null);

        assertThat(harness.run()).isEqualTo(1);

        assertThat(harness.stderr()).isEqualTo("error: the provisioning service refused" + System.lineSeparator());
        assertThat(harness.launched).hasNullValue();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "PROVISIONING_IDSCOPE                               | PROVISIONING_IDSCOPE is set but PROVISIONING_REGISTRATION_ID and PROVISIONING_SYMMETRIC_KEY are not",
        "PROVISIONING_IDSCOPE,PROVISIONING_SYMMETRIC_KEY    | PROVISIONING_IDSCOPE and PROVISIONING_SYMMETRIC_KEY are set but PROVISIONING_REGISTRATION_ID is not",
    })
    void someOfTheVariablesAreNamed(String set, String expected) {
        setProvisioningVariables();
        harness.environment.keySet().retainAll(java.util.Set.of(set.split(",")));

        assertThat(harness.run()).isEqualTo(2);

        assertThat(harness.stderr()).contains(expected).contains("set all three");
        assertThat(harness.provisioned).hasNullValue();
    }

    @Test
    void aStrayProvisioningHostAloneChangesNothing() {
        harness.environment.put("PROVISIONING_HOST", "global.azure-devices-provisioning.net");

        assertThat(harness.run("--connection-string", CONNECTION_STRING)).isZero();
        harness.resetOutput();
        assertThat(harness.run()).isEqualTo(2);

        assertThat(harness.stderr()).contains("no local hub in this test");
        assertThat(harness.provisioned).hasNullValue();
    }

    @Test
    void aDeviceConnectionStringVariableBesideTheProvisioningVariablesIsAmbiguous() {
        setProvisioningVariables();
        harness.environment.put("IOTHUB_DEVICE_CONNECTION_STRING", CONNECTION_STRING);

        assertThat(harness.run()).isEqualTo(2);

        assertThat(harness.stderr()).contains("both IOTHUB_DEVICE_CONNECTION_STRING and the PROVISIONING_* variables");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--id-scope,0ne00ABCDEF                                       | --id-scope is a provisioning option: add --provision",
        "--symmetric-key," + KEY + "                                  | --symmetric-key is a provisioning option: add --provision",
        "--provision,--connection-string," + CONNECTION_STRING + "    | --provision and --connection-string exclude each other",
        "--provision,--id-scope,0ne00ABCDEF                           | --provision needs --registration-id (or PROVISIONING_REGISTRATION_ID), --symmetric-key (or PROVISIONING_SYMMETRIC_KEY)",
        "--provision,--provisioning-host,dps.example.com              | --provision needs --id-scope (or PROVISIONING_IDSCOPE)",
        "--provision,--id-scope,0ne/00,--registration-id,r,--symmetric-key," + KEY + "     | the ID scope '0ne/00' is not one",
        "--provision,--id-scope,s,--registration-id,a b,--symmetric-key," + KEY + "        | the registration ID 'a b' is not one",
        "--provision,--id-scope,s,--registration-id,r,--symmetric-key,not*base64          | the symmetric key is not valid base64",
        "--provision,--id-scope,s,--registration-id,r,--symmetric-key," + KEY + ",--provisioning-host,dps.example.com:8883 | must not include a port",
    })
    void badProvisioningInputIsNamedOnOneLine(String args, String expected) {
        assertThat(harness.run(args.split(","))).isEqualTo(2);

        assertThat(harness.stderr()).contains(expected).doesNotContain(KEY);
        assertThat(harness.stderr().lines()).hasSize(1);
        assertThat(harness.provisioned).hasNullValue();
        assertThat(harness.launched).hasNullValue();
    }
}
