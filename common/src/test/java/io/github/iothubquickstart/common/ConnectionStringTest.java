package io.github.iothubquickstart.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConnectionStringTest {

    static final String KEY = "c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seQ==";
    static final String DEVICE = "HostName=myhub.azure-devices.net;DeviceId=MyJavaDevice;SharedAccessKey=" + KEY;
    static final String SERVICE = "HostName=myhub.azure-devices.net;SharedAccessKeyName=service;SharedAccessKey=" + KEY;

    @Test
    void parsesDeviceFields() throws Exception {
        DeviceConnectionString parsed = DeviceConnectionString.parse(DEVICE + ";GatewayHostName=localhost;ModuleId=m1");

        assertThat(parsed.hostName()).isEqualTo("myhub.azure-devices.net");
        assertThat(parsed.deviceId()).isEqualTo("MyJavaDevice");
        assertThat(parsed.gatewayHostName()).contains("localhost");
        assertThat(parsed.connectHost()).isEqualTo("localhost");
        assertThat(parsed.moduleId()).contains("m1");
        assertThat(parsed.value()).startsWith(DEVICE);
    }

    @Test
    void keepsBase64PaddingAndToleratesTrailingSemicolonAndSpaces() throws Exception {
        DeviceConnectionString parsed = DeviceConnectionString.parse("  " + DEVICE + ";  ");

        assertThat(parsed.value()).isEqualTo(DEVICE + ";");
        assertThat(parsed.connectHost()).isEqualTo("myhub.azure-devices.net");
    }

    @Test
    void neverPrintsTheKey() throws Exception {
        assertThat(DeviceConnectionString.parse(DEVICE).toString()).doesNotContain(KEY);
        assertThat(ServiceConnectionString.parse(SERVICE).toString()).doesNotContain(KEY);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "DeviceId=d;SharedAccessKey=" + KEY + "                                   | missing HostName",
        "HostName=h.example.com;SharedAccessKey=" + KEY + "                       | missing DeviceId",
        "HostName=h.example.com;DeviceId=d                                        | missing SharedAccessKey",
        "HostName=h.example.com;DeviceId=;SharedAccessKey=" + KEY + "             | empty DeviceId",
        "HostName=h.example.com;DeviceId=d;SharedAccessKey=not*base64!            | SharedAccessKey is not valid base64",
        "HostName=h.example.com:8883;DeviceId=d;SharedAccessKey=" + KEY + "       | HostName 'h.example.com:8883' must not include a port",
        "HostName=localhost;DeviceId=d;SharedAccessKey=" + KEY + "                | HostName 'localhost' must contain a dot",
        "HostName=h.example.com;DeviceId=d;SharedAccessKey=" + KEY + ";GatewayHostName=gw:1 | GatewayHostName 'gw:1' must not include a port",
        "HostName=h.example.com;DeviceId=d;DeviceId=e;SharedAccessKey=" + KEY + " | DeviceId more than once",
        "HostName=h.example.com;garbage;SharedAccessKey=" + KEY + "               | not Key=Value: 'garbage'",
        "HostName=bad host.com;DeviceId=d;SharedAccessKey=" + KEY + "             | HostName 'bad host.com' is not a host name"
    })
    void deviceErrorsNameTheField(String connectionString, String expected) {
        assertThatThrownBy(() -> DeviceConnectionString.parse(connectionString))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(expected)
                .hasMessageNotContaining(KEY)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void anX509StringNeedsNoKey() throws Exception {
        DeviceConnectionString parsed = DeviceConnectionString.parse("HostName=myhub.azure-devices.net;DeviceId=d;x509=true");

        assertThat(parsed.x509()).isTrue();
        assertThat(parsed.deviceId()).isEqualTo("d");
        assertThat(parsed.value()).isEqualTo("HostName=myhub.azure-devices.net;DeviceId=d;x509=true");
        assertThat(DeviceConnectionString.parse(DEVICE).x509()).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "HostName=h.example.com;DeviceId=d;x509=false                              | x509 must be 'true'",
        "HostName=h.example.com;DeviceId=d;x509=TRUE                               | x509 must be 'true'",
        "HostName=h.example.com;DeviceId=d;SharedAccessKey=" + KEY + ";x509=true   | both SharedAccessKey and x509=true",
        "HostName=h.example.com;x509=true                                          | missing DeviceId"
    })
    void x509StringErrorsNameTheField(String connectionString, String expected) {
        assertThatThrownBy(() -> DeviceConnectionString.parse(connectionString))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(expected)
                .hasMessageNotContaining(KEY);
    }

    @Test
    void emptyStringIsReportedAsEmpty() {
        assertThatThrownBy(() -> DeviceConnectionString.parse(" "))
                .hasMessage("the connection string is empty");
    }

    @Test
    void parsesServiceFieldsWithoutPort() throws Exception {
        ServiceConnectionString parsed = ServiceConnectionString.parse(SERVICE);

        assertThat(parsed.hostName()).isEqualTo("myhub.azure-devices.net");
        assertThat(parsed.port()).isEmpty();
        assertThat(parsed.hostNameWithPort()).isEqualTo("myhub.azure-devices.net");
        assertThat(parsed.sharedAccessKeyName()).isEqualTo("service");
        assertThat(parsed.sharedAccessKey()).isEqualTo(KEY);
        assertThat(parsed.value()).isEqualTo(SERVICE);
    }

    @Test
    void serviceHostNameMayCarryAPort() throws Exception {
        ServiceConnectionString parsed = ServiceConnectionString.parse(
                "HostName=127.0.0.1:8443;SharedAccessKeyName=service;SharedAccessKey=" + KEY);

        assertThat(parsed.hostName()).isEqualTo("127.0.0.1");
        assertThat(parsed.port()).hasValue(8443);
        assertThat(parsed.hostNameWithPort()).isEqualTo("127.0.0.1:8443");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "SharedAccessKeyName=service;SharedAccessKey=" + KEY + "                   | missing HostName",
        "HostName=h.example.com;SharedAccessKey=" + KEY + "                        | missing SharedAccessKeyName",
        "HostName=h.example.com;SharedAccessKeyName=service                        | missing SharedAccessKey",
        "HostName=h.example.com;SharedAccessKeyName=service;SharedAccessKey=%%%    | SharedAccessKey is not valid base64",
        "HostName=h.example.com:0;SharedAccessKeyName=s;SharedAccessKey=" + KEY + "      | bad port",
        "HostName=h.example.com:70000;SharedAccessKeyName=s;SharedAccessKey=" + KEY + "  | bad port",
        "HostName=h.example.com:https;SharedAccessKeyName=s;SharedAccessKey=" + KEY + "  | bad port",
        "HostName=:8443;SharedAccessKeyName=s;SharedAccessKey=" + KEY + "          | is not a host name"
    })
    void serviceErrorsNameTheField(String connectionString, String expected) {
        assertThatThrownBy(() -> ServiceConnectionString.parse(connectionString))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(expected)
                .hasMessageNotContaining(KEY);
    }

    @Test
    void aDeviceStringIsNotAServiceString() {
        assertThatThrownBy(() -> ServiceConnectionString.parse(DEVICE))
                .hasMessageContaining("missing SharedAccessKeyName");
    }
}
