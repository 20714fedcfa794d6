package io.github.iothubquickstart.device;

import io.github.iothubquickstart.common.ConfigurationException;
import io.github.iothubquickstart.common.ConnectionSettingsResolver;
import io.github.iothubquickstart.common.Environment;
import io.github.iothubquickstart.localhub.provisioning.RegistrationIds;
import io.github.iothubquickstart.localhubclient.LocalHubTrust;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Decides whether the device registers through a Device Provisioning Service first, and with what: the
 * {@code --provision} options, else the environment variables Azure's provisioning samples read, else (with
 * {@code --provision} alone) an enrollment on the local hub. Options win over the environment, field by field.
 */
final class ProvisioningRequests {
    static final String HOST_VARIABLE = "PROVISIONING_HOST";
    static final String ID_SCOPE_VARIABLE = "PROVISIONING_IDSCOPE";
    static final String REGISTRATION_ID_VARIABLE = "PROVISIONING_REGISTRATION_ID";
    static final String SYMMETRIC_KEY_VARIABLE = "PROVISIONING_SYMMETRIC_KEY";
    /** Azure DPS's global device endpoint, as in Azure's samples. */
    static final String GLOBAL_ENDPOINT = "global.azure-devices-provisioning.net";

    /** The scope goes into MQTT user names and URL paths: no separators, no spaces. */
    private static final Pattern ID_SCOPE = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9_.-]+");

    /** The local hub's own enrollment for {@code --provision} without values. */
    @FunctionalInterface
    interface LocalHubEnrollment {
        ProvisioningSettings enroll() throws ConfigurationException;
    }

    private final Environment environment;
    private final LocalHubEnrollment localHub;

    ProvisioningRequests(Environment environment, LocalHubEnrollment localHub) {
        this.environment = environment;
        this.localHub = localHub;
    }

    /**
     * @param connectionStringOption the {@code --connection-string} value, or null
     * @return empty when the device connects with a connection string instead
     * @throws ConfigurationException one line: a missing, conflicting or malformed value
     */
    Optional<ProvisioningSettings> resolve(ProvisioningOptions options, String connectionStringOption)
            throws ConfigurationException {
        if (!options.provision()) {
            String valueOption = options.firstValueOption();
            if (valueOption != null) {
                throw new ConfigurationException(valueOption + " is a provisioning option: add --provision");
            }
            return connectionStringOption != null ? Optional.empty() : fromEnvironmentAlone();
        }
        if (connectionStringOption != null) {
            throw new ConfigurationException("--provision and --connection-string exclude each other: the device "
                    + "gets its hub and identity from the provisioning service, or from the connection string");
        }
        String idScope = value(options.idScope(), ID_SCOPE_VARIABLE);
        String registrationId = value(options.registrationId(), REGISTRATION_ID_VARIABLE);
        String symmetricKey = value(options.symmetricKey(), SYMMETRIC_KEY_VARIABLE);
        if (idScope == null && registrationId == null && symmetricKey == null && options.host() == null) {
            return Optional.of(localHub.enroll());
        }
        List<String> missing = new ArrayList<>();
        addIfMissing(missing, idScope, "--id-scope", ID_SCOPE_VARIABLE);
        addIfMissing(missing, registrationId, "--registration-id", REGISTRATION_ID_VARIABLE);
        addIfMissing(missing, symmetricKey, "--symmetric-key", SYMMETRIC_KEY_VARIABLE);
        if (!missing.isEmpty()) {
            throw new ConfigurationException("--provision needs " + String.join(", ", missing)
                    + " (or none of them, to enroll on the local hub)");
        }
        String host = Optional.ofNullable(value(options.host(), HOST_VARIABLE)).orElse(GLOBAL_ENDPOINT);
        return Optional.of(validated(host, idScope, registrationId, symmetricKey));
    }

    /** The three variables set together mean provisioning; one or two of them is a mistake worth naming. */
    private Optional<ProvisioningSettings> fromEnvironmentAlone() throws ConfigurationException {
        String idScope = variable(ID_SCOPE_VARIABLE);
        String registrationId = variable(REGISTRATION_ID_VARIABLE);
        String symmetricKey = variable(SYMMETRIC_KEY_VARIABLE);
        List<String> set = new ArrayList<>();
        List<String> unset = new ArrayList<>();
        (idScope != null ? set : unset).add(ID_SCOPE_VARIABLE);
        (registrationId != null ? set : unset).add(REGISTRATION_ID_VARIABLE);
        (symmetricKey != null ? set : unset).add(SYMMETRIC_KEY_VARIABLE);
        if (set.isEmpty()) {
            return Optional.empty();
        }
        if (!unset.isEmpty()) {
            throw new ConfigurationException(String.join(" and ", set) + (set.size() == 1 ? " is" : " are")
                    + " set but " + String.join(" and ", unset) + (unset.size() == 1 ? " is" : " are")
                    + " not: set all three to provision the device through DPS, or unset them");
        }
        if (variable(ConnectionSettingsResolver.DEVICE_VARIABLE) != null) {
            throw new ConfigurationException("both " + ConnectionSettingsResolver.DEVICE_VARIABLE + " and the "
                    + "PROVISIONING_* variables are set: unset one, the device cannot follow both");
        }
        String host = Optional.ofNullable(variable(HOST_VARIABLE)).orElse(GLOBAL_ENDPOINT);
        return Optional.of(validated(host, idScope, registrationId, symmetricKey));
    }

    private ProvisioningSettings validated(String host, String idScope, String registrationId, String symmetricKey)
            throws ConfigurationException {
        requireHost(host);
        if (!ID_SCOPE.matcher(idScope).matches()) {
            throw new ConfigurationException("the ID scope '" + idScope + "' is not one (letters and digits, as "
                    + "the provisioning service's overview shows it, e.g. 0ne00000000)");
        }
        if (!RegistrationIds.isValid(registrationId)) {
            throw new ConfigurationException("the registration ID '" + registrationId + "' is not one: up to 128 "
                    + "letters, digits and '-', '.', '_', ':', ending in a letter, digit or '-'");
        }
        requireBase64(symmetricKey);
        // A provisioning service on this machine is the local hub's: trust its CA too.
        return new ProvisioningSettings(host, idScope, registrationId, symmetricKey,
                LocalHubTrust.trustManagerForHost(host, environment::get).orElse(null));
    }

    private static void requireHost(String host) throws ConfigurationException {
        if (host.contains(":")) {
            throw new ConfigurationException("the provisioning host '" + host + "' must not include a port: the "
                    + "provisioning SDK always uses 8883 (MQTT), 5671 (AMQPS) or 443 (HTTPS, WebSockets)");
        }
        if (!HOST_NAME.matcher(host).matches()) {
            throw new ConfigurationException("the provisioning host '" + host + "' is not a host name (letters, "
                    + "digits, '.', '-', '_')");
        }
    }

    private static void requireBase64(String key) throws ConfigurationException {
        try {
            if (Base64.getDecoder().decode(key).length == 0) {
                throw new ConfigurationException("the symmetric key is empty after base64 decoding");
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("the symmetric key is not valid base64 (copy the enrollment's primary "
                    + "key, or the key derived for this registration ID from the group's)");
        }
    }

    private String value(String option, String variableName) {
        return option != null ? option : variable(variableName);
    }

    /** An exported but empty variable counts as unset, as for the connection string. */
    private String variable(String name) {
        String value = environment.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static void addIfMissing(List<String> missing, String value, String option, String variable) {
        if (value == null) {
            missing.add(option + " (or " + variable + ")");
        }
    }
}
