package io.github.iothubquickstart.localhub.provisioning;

/** How a device proves who it is to DPS ({@code attestation.type}); TPM is not offered by the local hub. */
public enum AttestationType {
    SYMMETRIC_KEY("symmetricKey"),
    X509("x509"),
    TPM("tpm");

    private final String wireName;

    AttestationType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static AttestationType fromWireName(String name) {
        return WireNames.find(values(), AttestationType::wireName, name, "attestation type");
    }
}
