package io.github.iothubquickstart.localhub.cli;

import io.github.iothubquickstart.localhub.data.HubCommand;
import io.github.iothubquickstart.localhub.data.HubIdentity;
import io.github.iothubquickstart.localhub.registry.CaCertificate;
import io.github.iothubquickstart.localhub.registry.CaCertificateRules;
import io.github.iothubquickstart.localhub.registry.CaCertificates;
import io.github.iothubquickstart.localhub.tls.Pem;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code local-hub ca-certificate add|list|remove}: the CA certificates the hub trusts to sign devices' certificates,
 * kept in the data directory; a hub running on it uses a change at its next check.
 */
@Command(name = "ca-certificate", mixinStandardHelpOptions = true,
        description = {"Manage the CA certificates the hub trusts to sign devices' certificates (devices registered"
                + " with --auth x509-ca).",
                "Kept in the data directory: a hub running on it uses a change at the next device connection."},
        subcommands = {CaCertificateCommand.Add.class, CaCertificateCommand.ListCertificates.class,
                CaCertificateCommand.Remove.class})
final class CaCertificateCommand {
    @Spec
    CommandSpec spec;

    <T> T withCertificates(DataDirectoryOption dataDirectory, CertificatesAction<T> action) throws Exception {
        try (HubIdentity identity = HubIdentity.openOrCreate(dataDirectory.resolve(), List.of(), Clock.systemUTC())) {
            return action.apply(identity.caCertificates(), spec.commandLine().getOut());
        }
    }

    interface CertificatesAction<T> {
        T apply(CaCertificates certificates, PrintWriter out) throws Exception;
    }

    static void print(CaCertificate certificate, PrintWriter out) {
        out.println("name:       " + certificate.name());
        out.println("subject:    " + certificate.subject());
        out.println("thumbprint: " + certificate.sha1Thumbprint() + " (SHA-1)");
        out.println("sha256:     " + certificate.sha256Thumbprint());
        out.println("notAfter:   " + certificate.notAfter());
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Trust a CA certificate (PEM, one certificate) to sign devices' certificates.",
                    "Verified on add: it must be a CA (basicConstraints cA=true), valid today and, if self-signed,"
                            + " signed by its own key. IoT Hub's proof of possession is not asked for: the file comes"
                            + " from you, on this machine."})
    static final class Add implements Callable<Integer> {
        @ParentCommand
        CaCertificateCommand parent;

        @Mixin
        DataDirectoryOption dataDirectory;

        @Option(names = "--name", required = true, paramLabel = "NAME",
                description = "1 to " + CaCertificateRules.MAX_NAME_LENGTH + " letters, digits, '-', '_' or '.'.")
        String name;

        @Option(names = "--file", required = true, paramLabel = "PEM",
                description = "The CA certificate, PEM-encoded (-----BEGIN CERTIFICATE-----).")
        Path file;

        @Override
        public Integer call() throws Exception {
            CaCertificateRules.requireValidName(name);
            X509Certificate certificate = readOneCertificate(file);
            return parent.withCertificates(dataDirectory, (certificates, out) -> {
                CaCertificate added = certificates.add(name, certificate);
                out.println("Trusted CA certificate:");
                print(added, out);
                out.println("Devices registered with 'device create DEVICE_ID --auth x509-ca' may now connect with a"
                        + " certificate whose subject CN is their device id and whose chain ends at it.");
                return 0;
            });
        }

        private static X509Certificate readOneCertificate(Path file) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("no file " + file.toAbsolutePath());
            }
            List<X509Certificate> certificates = Pem.readCertificates(file);
            if (certificates.size() != 1) {
                throw new IllegalArgumentException(file + " holds " + certificates.size() + " certificates: add"
                        + " each CA certificate of a chain on its own, under a name of its own");
            }
            return certificates.get(0);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the trusted CA certificates.")
    static final class ListCertificates implements Callable<Integer> {
        @ParentCommand
        CaCertificateCommand parent;

        @Mixin
        DataDirectoryOption dataDirectory;

        @Override
        public Integer call() throws Exception {
            return parent.withCertificates(dataDirectory, (certificates, out) -> {
                List<CaCertificate> trusted = certificates.list();
                if (trusted.isEmpty()) {
                    out.println("No CA certificates are trusted. Add one with: " + HubCommand.name() + " ca-certificate"
                            + " add --name NAME --file CA.pem");
                }
                for (int i = 0; i < trusted.size(); i++) {
                    if (i > 0) {
                        out.println();
                    }
                    print(trusted.get(i), out);
                }
                return 0;
            });
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Stop trusting a CA certificate: devices whose chains end at it are refused at their next"
                    + " connection.")
    static final class Remove implements Callable<Integer> {
        @ParentCommand
        CaCertificateCommand parent;

        @Mixin
        DataDirectoryOption dataDirectory;

        @Option(names = "--name", required = true, paramLabel = "NAME", description = "As 'ca-certificate list' shows it.")
        String name;

        @Override
        public Integer call() throws Exception {
            return parent.withCertificates(dataDirectory, (certificates, out) -> {
                certificates.remove(name);
                out.println("Removed CA certificate " + name + ".");
                return 0;
            });
        }
    }
}
