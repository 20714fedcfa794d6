package io.github.iothubquickstart.localhub.fileupload;

import io.github.iothubquickstart.localhub.errors.IotHubErrors;

/**
 * The blob a device may upload to: {@code {deviceId}/{name}}, as IoT Hub names it. The name is checked against Azure
 * Storage's rules for blob names (at most 1024 characters and 254 path segments, the device's prefix included), and
 * so that it stays under the device's prefix whatever a client or proxy makes of the URL: no empty, {@code .} or
 * {@code ..} segment, no leading {@code /}, no backslash (read as {@code /} by some), no control character.
 */
final class BlobNames {
    static final int MAX_LENGTH = 1024;
    static final int MAX_SEGMENTS = 254;

    private BlobNames() {
    }

    /** The device's blob for {@code requested}; IoT Hub's 400 ArgumentInvalid when the name breaks a rule. */
    static String forDevice(String deviceId, String requested) {
        if (requested == null || requested.isEmpty()) {
            throw IotHubErrors.argumentInvalid("The blobName is missing or empty.");
        }
        String blobName = deviceId + "/" + requested;
        if (blobName.length() > MAX_LENGTH) {
            throw IotHubErrors.argumentInvalid("The blob name " + deviceId + "/... is " + blobName.length()
                    + " characters long; at most " + MAX_LENGTH + " are allowed, the device id and '/' included.");
        }
        if (requested.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == '\\')) {
            throw IotHubErrors.argumentInvalid("The blobName contains a control character or a backslash.");
        }
        String[] segments = requested.split("/", -1);
        if (segments.length + 1 > MAX_SEGMENTS) {
            throw IotHubErrors.argumentInvalid("The blob name has " + (segments.length + 1) + " path segments; at most "
                    + MAX_SEGMENTS + " are allowed, the device id included.");
        }
        for (String segment : segments) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw IotHubErrors.argumentInvalid("The blobName '" + requested + "' has an empty, '.' or '..' path"
                        + " segment: a device's blobs stay under its own " + deviceId + "/ prefix.");
            }
        }
        return blobName;
    }
}
