package io.github.iothubquickstart.localhub.blobs;

import java.util.List;

/** One page of List Blobs: the blobs, the prefixes a delimiter rolled up, and where the next page starts (or null). */
public record BlobListing(List<StoredBlob> blobs, List<String> prefixes, String nextMarker) {
}
