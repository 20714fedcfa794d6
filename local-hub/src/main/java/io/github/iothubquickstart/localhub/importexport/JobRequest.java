package io.github.iothubquickstart.localhub.importexport;

import java.util.Objects;

/**
 * What a caller asks of {@code POST /jobs/create}: the job's type, its containers (URIs as given, checked when the job
 * runs, as IoT Hub does), the blob names (null for IoT Hub's defaults), whether an export leaves the keys out, how the
 * hub reaches storage and the user-assigned identity named for it (null for none), and whether the hub's
 * configurations go with the devices ({@code includeConfigurations}, in {@code configurationsBlobName}).
 */
public record JobRequest(JobType type, String inputBlobContainerUri, String outputBlobContainerUri,
                         String inputBlobName, String outputBlobName, boolean excludeKeysInExport,
                         StorageAuthentication storageAuthentication, String userAssignedIdentity,
                         boolean includeConfigurations, String configurationsBlobName) {

    public JobRequest {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(storageAuthentication, "storageAuthentication");
    }

    /** Devices (and modules) only. */
    public JobRequest(JobType type, String inputBlobContainerUri, String outputBlobContainerUri,
                      String inputBlobName, String outputBlobName, boolean excludeKeysInExport,
                      StorageAuthentication storageAuthentication, String userAssignedIdentity) {
        this(type, inputBlobContainerUri, outputBlobContainerUri, inputBlobName, outputBlobName, excludeKeysInExport,
                storageAuthentication, userAssignedIdentity, false, null);
    }

    public static JobRequest export(String outputBlobContainerUri, boolean excludeKeys) {
        return new JobRequest(JobType.EXPORT, null, outputBlobContainerUri, null, null, excludeKeys,
                StorageAuthentication.KEY_BASED, null);
    }

    public static JobRequest importFrom(String inputBlobContainerUri, String outputBlobContainerUri) {
        return new JobRequest(JobType.IMPORT, inputBlobContainerUri, outputBlobContainerUri, null, null, false,
                StorageAuthentication.KEY_BASED, null);
    }
}
