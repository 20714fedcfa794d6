package io.github.iothubquickstart.localhub.fileupload;

/**
 * Where a device uploads its file, as IoT Hub answers {@code POST /devices/{id}/files}: the SDKs build
 * {@code https://{hostName}/{containerName}/{blobName}{sasToken}} from it, and report the upload done with the
 * correlation id.
 */
public record UploadTarget(String correlationId, String hostName, String containerName, String blobName,
                           String sasToken) {
}
