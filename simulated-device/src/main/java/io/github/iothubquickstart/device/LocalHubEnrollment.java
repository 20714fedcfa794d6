package io.github.iothubquickstart.device;

import io.github.iothubquickstart.common.ConfigurationException;
import io.github.iothubquickstart.localhub.provisioning.Attestation;
import io.github.iothubquickstart.localhub.provisioning.AttestationType;
import io.github.iothubquickstart.localhub.provisioning.EnrollmentSettings;
import io.github.iothubquickstart.localhub.provisioning.IndividualEnrollment;
import io.github.iothubquickstart.localhub.provisioning.ProvisioningService;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * The individual enrollment {@code --provision} uses on a local hub started in this process: the one already in its
 * data directory, or a new one with random keys (32 bytes, as DPS generates them).
 */
final class LocalHubEnrollment {
    private static final int KEY_BYTES = 32;

    private final ProvisioningService provisioning;
    private final Random random;

    LocalHubEnrollment(ProvisioningService provisioning, Random random) {
        this.provisioning = provisioning;
        this.random = random;
    }

    /** The enrollment's primary key, creating the enrollment first if it is missing. */
    String symmetricKey(String registrationId) throws ConfigurationException {
        Optional<IndividualEnrollment> existing = provisioning.individualEnrollment(registrationId);
        if (existing.isPresent()) {
            return primaryKeyOf(existing.get());
        }
        return primaryKeyOf(provisioning.putIndividualEnrollment(registrationId, null,
                EnrollmentSettings.of(Attestation.symmetricKey(newKey(random), newKey(random))), null));
    }

    private static String primaryKeyOf(IndividualEnrollment enrollment) throws ConfigurationException {
        Attestation attestation = enrollment.settings().attestation();
        List<String> keys = attestation.type() == AttestationType.SYMMETRIC_KEY
                ? attestation.symmetricKey().keys() : List.of();
        if (keys.isEmpty()) {
            throw new ConfigurationException("the local hub's enrollment " + enrollment.registrationId() + " has no "
                    + "symmetric key (" + attestation.type() + " attestation): delete it with 'java -jar "
                    + "local-hub/target/local-hub.jar enrollment delete --registration-id " + enrollment.registrationId()
                    + "' or give "
                    + "--id-scope, --registration-id and --symmetric-key of another one");
        }
        return keys.get(0);
    }

    /** A new enrollment key: 32 random bytes, base64, as DPS generates them. */
    static String newKey(Random random) {
        byte[] key = new byte[KEY_BYTES];
        random.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
