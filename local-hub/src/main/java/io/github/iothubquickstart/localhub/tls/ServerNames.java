package io.github.iothubquickstart.localhub.tls;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.util.IPAddress;

/** The subject alternative names of the server certificate: loopback names plus those configured. */
final class ServerNames {

    static final List<String> ALWAYS = List.of("localhost", "127.0.0.1", "::1");
    private static final Pattern DNS_NAME = Pattern.compile("[A-Za-z0-9_*]([A-Za-z0-9_.*-]{0,251}[A-Za-z0-9_])?");

    private final Set<String> dnsNames = new LinkedHashSet<>();
    private final Set<InetAddress> ipAddresses = new LinkedHashSet<>();

    private ServerNames() {
    }

    /** Loopback names plus {@code hostNames}; IP literals become IP SANs, anything else DNS SANs. */
    static ServerNames including(Collection<String> hostNames) {
        ServerNames names = new ServerNames();
        List<String> all = new ArrayList<>(ALWAYS);
        all.addAll(hostNames);
        for (String name : all) {
            names.add(name);
        }
        return names;
    }

    private void add(String rawName) {
        String name = stripBrackets(rawName.trim());
        if (IPAddress.isValid(name)) {
            ipAddresses.add(literal(name));
        } else if (DNS_NAME.matcher(name).matches()) {
            dnsNames.add(name.toLowerCase(Locale.ROOT));
        } else {
            throw new IllegalArgumentException("\"" + rawName + "\" is neither a DNS host name nor an IP address"
                    + " (give a name without scheme or port, e.g. myhub.local or 127.0.0.2)");
        }
    }

    GeneralNames toGeneralNames() {
        List<GeneralName> entries = new ArrayList<>();
        dnsNames.forEach(dns -> entries.add(new GeneralName(GeneralName.dNSName, dns)));
        ipAddresses.forEach(ip -> entries.add(new GeneralName(GeneralName.iPAddress, ip.getHostAddress())));
        return new GeneralNames(entries.toArray(GeneralName[]::new));
    }

    /** Whether every name here appears among the certificate's SANs. */
    boolean allCoveredBy(X509Certificate certificate) {
        Set<String> certificateDns = new LinkedHashSet<>();
        List<byte[]> certificateIps = new ArrayList<>();
        try {
            Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
            if (sans == null) {
                return false;
            }
            for (List<?> san : sans) {
                int type = (Integer) san.get(0);
                String value = String.valueOf(san.get(1));
                if (type == GeneralName.dNSName) {
                    certificateDns.add(value.toLowerCase(Locale.ROOT));
                } else if (type == GeneralName.iPAddress && IPAddress.isValid(value)) {
                    certificateIps.add(literal(value).getAddress());
                }
            }
        } catch (CertificateParsingException e) {
            return false;
        }
        return certificateDns.containsAll(dnsNames)
                && ipAddresses.stream().allMatch(ip -> certificateIps.stream()
                        .anyMatch(bytes -> Arrays.equals(bytes, ip.getAddress())));
    }

    @Override
    public String toString() {
        List<String> all = new ArrayList<>(dnsNames);
        ipAddresses.forEach(ip -> all.add(ip.getHostAddress()));
        return all.toString();
    }

    private static String stripBrackets(String name) {
        return name.startsWith("[") && name.endsWith("]") ? name.substring(1, name.length() - 1) : name;
    }

    /** Only ever called with a validated literal, so no DNS lookup happens. */
    private static InetAddress literal(String ipLiteral) {
        try {
            return InetAddress.getByName(ipLiteral);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("invalid IP address " + ipLiteral, e);
        }
    }
}
