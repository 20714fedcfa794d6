package io.github.iothubquickstart.localhub.blobs;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/** The XML bodies of the Blob service: errors, List Blobs results, and the block list of Put Block List. */
public final class BlobXml {
    /**
     * RFC 1123 with a two-digit day, as Azure Storage writes it: the JDK's RFC_1123_DATE_TIME writes "6 Dec", which the
     * Azure SDK's {@code DateTimeRfc1123} cannot read (it logs an error and loses Last-Modified).
     */
    public static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
            .withZone(ZoneOffset.UTC);
    private static final String PROLOG = "<?xml version=\"1.0\" encoding=\"utf-8\"?>";

    private BlobXml() {
    }

    public static String error(BlobError error, String requestId, Instant now) {
        StringBuilder xml = new StringBuilder(PROLOG).append("<Error><Code>").append(escape(error.code()))
                .append("</Code><Message>").append(escape(error.getMessage())).append("\nRequestId:")
                .append(requestId).append("\nTime:").append(now).append("</Message>");
        if (error.authenticationDetail() != null) {
            xml.append("<AuthenticationErrorDetail>").append(escape(error.authenticationDetail()))
                    .append("</AuthenticationErrorDetail>");
        }
        return xml.append("</Error>").toString();
    }

    public static String listing(String serviceEndpoint, String container, String prefix, String marker,
                                 Integer maxResults, String delimiter, BlobListing listing) {
        StringBuilder xml = new StringBuilder(PROLOG).append("<EnumerationResults ServiceEndpoint=\"")
                .append(escape(serviceEndpoint)).append("\" ContainerName=\"").append(escape(container)).append("\">");
        element(xml, "Prefix", prefix);
        element(xml, "Marker", marker);
        element(xml, "MaxResults", maxResults == null ? null : maxResults.toString());
        element(xml, "Delimiter", delimiter);
        xml.append("<Blobs>");
        for (StoredBlob blob : listing.blobs()) {
            ContentHeaders headers = blob.headers();
            xml.append("<Blob><Name>").append(escape(blob.name())).append("</Name><Properties>");
            element(xml, "Creation-Time", HTTP_DATE.format(blob.created()));
            element(xml, "Last-Modified", HTTP_DATE.format(blob.lastModified()));
            element(xml, "Etag", blob.etag());
            element(xml, "Content-Length", Long.toString(blob.size()));
            element(xml, "Content-Type", headers.contentType());
            element(xml, "Content-Encoding", headers.contentEncoding());
            element(xml, "Content-Language", headers.contentLanguage());
            element(xml, "Content-MD5", headers.contentMd5());
            element(xml, "Cache-Control", headers.cacheControl());
            element(xml, "Content-Disposition", headers.contentDisposition());
            xml.append("<BlobType>BlockBlob</BlobType><AccessTier>Hot</AccessTier>"
                    + "<AccessTierInferred>true</AccessTierInferred><LeaseStatus>unlocked</LeaseStatus>"
                    + "<LeaseState>available</LeaseState><ServerEncrypted>false</ServerEncrypted></Properties></Blob>");
        }
        for (String blobPrefix : listing.prefixes()) {
            xml.append("<BlobPrefix><Name>").append(escape(blobPrefix)).append("</Name></BlobPrefix>");
        }
        xml.append("</Blobs>");
        xml.append(listing.nextMarker() == null ? "<NextMarker />"
                : "<NextMarker>" + escape(listing.nextMarker()) + "</NextMarker>");
        return xml.append("</EnumerationResults>").toString();
    }

    /**
     * The block ids of a {@code <BlockList>}, in order. Latest and Uncommitted name staged blocks; Committed (a
     * block of the blob's current version) is not kept by this hub and is refused.
     *
     * @throws BlobError 400 InvalidXmlDocument, InvalidBlockList
     */
    public static List<String> blockList(byte[] body) {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        List<String> ids = new ArrayList<>();
        try (ByteArrayInputStream in = new ByteArrayInputStream(body)) {
            XMLStreamReader reader = factory.createXMLStreamReader(in);
            int depth = 0;
            boolean sawRoot = false;
            while (reader.hasNext()) {
                int event = reader.next();
                if (event == XMLStreamConstants.START_ELEMENT) {
                    depth++;
                    String name = reader.getLocalName();
                    if (depth == 1) {
                        if (!name.equals("BlockList")) {
                            throw invalidXml("The root element is " + name + ", not BlockList.");
                        }
                        sawRoot = true;
                    } else if (depth == 2) {
                        if (name.equals("Committed")) {
                            throw new BlobError(400, "InvalidBlockList", "Committed blocks cannot be reused on this"
                                    + " hub: stage every block of the new version (Latest or Uncommitted).");
                        }
                        if (!name.equals("Latest") && !name.equals("Uncommitted")) {
                            throw invalidXml("Unexpected element " + name + " in BlockList.");
                        }
                        ids.add(BlockIds.require(reader.getElementText().trim()));
                        depth--;
                    } else {
                        throw invalidXml("Unexpected element " + name + ".");
                    }
                } else if (event == XMLStreamConstants.END_ELEMENT) {
                    depth--;
                }
            }
            if (!sawRoot) {
                throw invalidXml("The body has no BlockList.");
            }
        } catch (XMLStreamException | IOException e) {
            throw invalidXml("The block list is not well-formed XML: " + e.getMessage());
        }
        if (ids.size() > BlockIds.MAX_BLOCKS) {
            throw new BlobError(400, "BlockListTooLong", "The block list may not contain more than "
                    + BlockIds.MAX_BLOCKS + " blocks.");
        }
        return ids;
    }

    private static BlobError invalidXml(String message) {
        return new BlobError(400, "InvalidXmlDocument", "XML specified is not syntactically valid. " + message);
    }

    private static void element(StringBuilder xml, String name, String value) {
        if (value == null) {
            return;
        }
        xml.append('<').append(name).append('>').append(escape(value)).append("</").append(name).append('>');
    }

    static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '&' -> escaped.append("&amp;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&apos;");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
                        escaped.append("&#x").append(Integer.toHexString(c)).append(';');
                    } else {
                        escaped.append(c);
                    }
                }
            }
        }
        return escaped.toString();
    }
}
