package io.github.iothubquickstart.localhub.registry;

import java.security.cert.X509Certificate;
import java.util.List;

/** The hub's trusted CA certificates by name: {@code local-hub ca-certificate add|list|remove}, the dashboard. */
public interface CaCertificates {

    /**
     * Trusts {@code certificate} under {@code name} once {@link CaCertificateRules} accept both.
     *
     * @throws IllegalArgumentException naming what is wrong with the name or the certificate
     * @throws CaCertificateAlreadyExistsException if the name, or the same certificate, is already there
     */
    CaCertificate add(String name, X509Certificate certificate);

    /** Every trusted CA certificate, by name. */
    List<CaCertificate> list();

    /** @throws CaCertificateNotFoundException if no certificate has that name */
    void remove(String name);
}
