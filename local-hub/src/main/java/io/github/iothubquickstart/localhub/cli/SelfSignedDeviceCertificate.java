package io.github.iothubquickstart.localhub.cli;

import io.github.iothubquickstart.localhub.data.HubCommand;
import io.github.iothubquickstart.localhub.registry.AuthenticationType;
import io.github.iothubquickstart.localhub.registry.DeviceIds;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.registry.DeviceUpdate;
import io.github.iothubquickstart.localhub.registry.EdgeHierarchy;
import io.github.iothubquickstart.localhub.registry.RegistryService;
import io.github.iothubquickstart.localhub.registry.RequestedAuthentication;
import io.github.iothubquickstart.localhub.tls.ClientCertificates;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code device create ID --auth x509-self-signed}, as {@code az iot hub device-identity create --am x509_thumbprint
 * --output-dir DIR} does it: a new key and a self-signed certificate with CN = the device id, valid 365 days (az's
 * default), the device registered as {@code selfSigned} with the certificate's SHA-1 thumbprint as primary (az leaves
 * the secondary empty), and {@code ID-cert.pem} and {@code ID-key.pem} (owner-only) written. Nothing is overwritten;
 * if the files cannot be written, the device is removed again, so that no identity is left whose key is lost.
 */
final class SelfSignedDeviceCertificate {
    static final int VALID_DAYS = 365;

    private final Path outputDirectory;
    private final Clock clock;

    SelfSignedDeviceCertificate(Path outputDirectory, Clock clock) {
        this.outputDirectory = outputDirectory;
        this.clock = clock;
    }

    void createAndRegister(String deviceId, RegistryService registry, PrintWriter out) {
        // The id names the files: checked before anything is made, so "../x" never reaches the file system.
        DeviceIds.requireValid(deviceId);
        Path directory = outputDirectory.toAbsolutePath().normalize();
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("certificate output directory " + directory + " does not exist");
        }
        Path certificateFile = directory.resolve(deviceId + "-cert.pem");
        Path keyFile = directory.resolve(deviceId + "-key.pem");
        for (Path file : new Path[] {certificateFile, keyFile}) {
            if (Files.exists(file)) {
                throw new IllegalArgumentException(file + " already exists: move it away or choose another"
                        + " --output-dir (nothing was registered)");
            }
        }
        Instant now = clock.instant();
        ClientCertificates.Issued issued = ClientCertificates.selfSigned(deviceId, now.minus(Duration.ofMinutes(1)),
                now.plus(Duration.ofDays(VALID_DAYS)));
        String thumbprint = ClientCertificates.sha1Thumbprint(issued.certificate());
        DeviceIdentity device = registry.create(deviceId, new DeviceUpdate(new RequestedAuthentication(
                AuthenticationType.SELF_SIGNED, null, null, thumbprint, null), true, null, EdgeHierarchy.NONE))
                .identity();
        ClientCertificates.Written written;
        try {
            written = issued.writePem(directory, deviceId);
        } catch (IOException | RuntimeException e) {
            registry.delete(deviceId, null);
            throw new UncheckedIOException("cannot write the certificate files to " + directory + " (" + e
                    + "); device " + deviceId + " was not registered", e instanceof IOException io ? io
                    : new IOException(e));
        }
        DeviceCommand.print(device, out);
        out.println("certificate:  " + written.certificateFile() + " (valid until "
                + issued.certificate().getNotAfter().toInstant() + ")");
        out.println("privateKey:   " + written.privateKeyFile() + " (readable by you only: it is the device's"
                + " credential)");
        out.println("Next: give the device SDK these two files as its client certificate and key, and the connection"
                + " string from: " + HubCommand.name() + " connection-string --device " + deviceId);
    }
}
