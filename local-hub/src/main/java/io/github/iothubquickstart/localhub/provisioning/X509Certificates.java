package io.github.iothubquickstart.localhub.provisioning;

/**
 * A primary and an optional secondary certificate, each as the service SDK sends it ({@code certificate}: PEM or
 * base64 DER). For an individual enrollment: the device's own (client) certificates; for a group: signing
 * certificates (root or intermediate).
 */
public record X509Certificates(String primary, String secondary) {
}
