package io.github.iothubquickstart.localhub.blobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutations of the requests the Azure Storage SDK sends (paths, queries with SAS tokens, headers, block lists):
 * the endpoint's parsing answers each with an Azure error or a parsed request, never anything else, and a mutated
 * SAS or Shared Key signature never authorizes.
 */
class BlobRequestFuzzTest {
    private static final int ROUNDS = 20_000;
    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
    private static final StorageAccount ACCOUNT = new StorageAccount("localhub",
            Base64.getEncoder().encodeToString("a key of the fuzz test, 64 bytes long, more or less......".getBytes()));
    private static final BlobAccess ACCESS = new BlobAccess(ACCOUNT, Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void mutatedPathsAndQueriesGetAzureErrorsOnly() {
        Random random = new Random(21);
        String sas = ServiceSas.signForBlob(ACCOUNT, "files", "device/a b.txt", "rcw", NOW.plusSeconds(3600));
        String[] seeds = {"/localhub/files/device/a%20b.txt" + sas, "/localhub/files?restype=container&comp=list",
                "/localhub/files/x?comp=block&blockid=" + Base64.getEncoder().encodeToString(new byte[8]),
                "/localhub/files/x?comp=blocklist", "/localhub/files?restype=container"};
        String[] methods = {"GET", "PUT", "HEAD", "DELETE", "POST", "PATCH"};
        int authorized = 0;
        for (int round = 0; round < ROUNDS; round++) {
            String seed = seeds[random.nextInt(seeds.length)];
            String mutated = mutate(random, seed);
            int question = mutated.indexOf('?');
            String path = question < 0 ? mutated : mutated.substring(0, question);
            String query = question < 0 ? null : mutated.substring(question + 1);
            String method = methods[random.nextInt(methods.length)];
            Map<String, String> headers = new HashMap<>();
            if (random.nextBoolean()) {
                headers.put("x-ms-date", mutate(random, "Sun, 06 Dec 2026 12:00:00 GMT"));
                headers.put("authorization", mutate(random, "SharedKey localhub:" + ACCOUNT.sign("x")));
            }
            try {
                BlobRequest request = BlobRequest.parse("localhub", method, path, query, headers);
                ACCESS.authorize(request, true);
                authorized++;
                // Only an unchanged SAS on its own blob, or a change the signature does not cover, gets through.
                assertThat(request.container()).isEqualTo("files");
                assertThat(request.query()).containsKey("sig");
            } catch (BlobError expected) {
                assertThat(expected.status()).isBetween(400, 416);
                assertThat(BlobXml.error(expected, "id", NOW)).startsWith("<?xml");
            }
        }
        assertThat(authorized).isLessThan(ROUNDS / 10);
    }

    @Test
    void aSasWithAnyParameterChangedIsRefused() {
        Random random = new Random(5);
        String sas = ServiceSas.signForBlob(ACCOUNT, "files", "a.txt", "rcw", NOW.plusSeconds(3600));
        for (int round = 0; round < 2_000; round++) {
            String mutated = mutate(random, sas);
            Map<String, String> query;
            try {
                query = BlobRequest.parseQuery(mutated.substring(mutated.startsWith("?") ? 1 : 0));
            } catch (BlobError malformed) {
                continue;
            }
            Map<String, String> original = BlobRequest.parseQuery(sas.substring(1));
            boolean same = query.entrySet().containsAll(original.entrySet());
            try {
                ServiceSas.verify(ACCOUNT, query, "files", "a.txt", ServiceSas.Scope.BLOB, "w", true, NOW);
                assertThat(same).as("accepted %s", mutated).isTrue();
            } catch (BlobError refused) {
                assertThat(refused.status()).isIn(400, 403);
            }
        }
    }

    @Test
    void mutatedBlockListsGetXmlErrorsOnly() {
        Random random = new Random(8);
        String id = Base64.getEncoder().encodeToString("block-0001".getBytes(StandardCharsets.UTF_8));
        String seed = "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList><Latest>" + id + "</Latest><Uncommitted>"
                + id + "</Uncommitted></BlockList>";
        for (int round = 0; round < 5_000; round++) {
            byte[] body = mutate(random, seed).getBytes(StandardCharsets.UTF_8);
            assertThatCode(() -> {
                try {
                    BlobXml.blockList(body);
                } catch (BlobError expected) {
                    assertThat(expected.status()).isEqualTo(400);
                }
            }).doesNotThrowAnyException();
        }
        assertThatCode(() -> BlobXml.blockList(("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                + "<BlockList><Latest>&e;</Latest></BlockList>").getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(BlobError.class);
    }

    private static String mutate(Random random, String seed) {
        StringBuilder text = new StringBuilder(seed);
        String alphabet = "/?&=%+,;:.-_ \\\u0000\u00e9\ud83d\ude00abcXYZ019'\"<>";
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits && text.length() > 0; e++) {
            int at = random.nextInt(text.length());
            switch (random.nextInt(4)) {
                case 0 -> text.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                case 1 -> text.deleteCharAt(at);
                case 2 -> text.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                default -> text.setLength(at);
            }
        }
        return text.toString();
    }
}
