package io.github.iothubquickstart.localhub.blobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.azure.core.util.DateTimeRfc1123;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class BlobXmlTest {

    @Test
    void httpDatesOnTheFirstNineDaysOfAMonthAreReadByTheAzureSdk() {
        Instant sixthOfDecember = Instant.parse("2026-12-06T20:26:48Z");

        String written = BlobXml.HTTP_DATE.format(sixthOfDecember);

        assertEquals("Sun, 06 Dec 2026 20:26:48 GMT", written);
        assertEquals(OffsetDateTime.ofInstant(sixthOfDecember, ZoneOffset.UTC), new DateTimeRfc1123(written).getDateTime());
    }
}
