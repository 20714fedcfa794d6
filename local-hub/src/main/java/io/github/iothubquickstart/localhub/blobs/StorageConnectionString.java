package io.github.iothubquickstart.localhub.blobs;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A storage account's connection string, as the Azure Storage SDKs read it: {@code AccountName}, {@code AccountKey},
 * and {@code BlobEndpoint} (Azurite, any endpoint) or {@code DefaultEndpointsProtocol} and {@code EndpointSuffix}
 * (Azure: {@code https://{account}.blob.core.windows.net}).
 */
public record StorageConnectionString(StorageAccount account, URI blobEndpoint) {

    /** @throws IllegalArgumentException naming what is missing or wrong, never echoing the key */
    public static StorageConnectionString parse(String connectionString) {
        Map<String, String> settings = new HashMap<>();
        for (String part : connectionString.split(";")) {
            if (part.isBlank()) {
                continue;
            }
            int equals = part.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("The storage connection string has a part without '=': each part"
                        + " is Name=value.");
            }
            settings.put(part.substring(0, equals).trim().toLowerCase(Locale.ROOT), part.substring(equals + 1).trim());
        }
        String name = settings.get("accountname");
        String key = settings.get("accountkey");
        if (name == null || key == null) {
            throw new IllegalArgumentException("The storage connection string needs AccountName and AccountKey (a"
                    + " SAS-only connection string cannot create the upload container or sign tokens).");
        }
        StorageAccount account = new StorageAccount(name, key);
        String endpoint = settings.get("blobendpoint");
        if (endpoint == null) {
            String protocol = settings.getOrDefault("defaultendpointsprotocol", "https");
            String suffix = settings.getOrDefault("endpointsuffix", "core.windows.net");
            endpoint = protocol + "://" + name + ".blob." + suffix;
        }
        URI uri;
        try {
            uri = new URI(endpoint.replaceAll("/+$", ""));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("The BlobEndpoint of the storage connection string is not a URI: "
                    + e.getMessage(), e);
        }
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("The BlobEndpoint of the storage connection string must be an http or"
                    + " https URL with a host, not " + endpoint + ".");
        }
        return new StorageConnectionString(account, uri);
    }

    /** The endpoint without its scheme: what IoT Hub's file upload answer calls {@code hostName}. */
    public String uploadHostName() {
        return blobEndpoint.getRawAuthority() + (blobEndpoint.getRawPath() == null ? "" : blobEndpoint.getRawPath());
    }

    public boolean https() {
        return "https".equals(blobEndpoint.getScheme());
    }
}
