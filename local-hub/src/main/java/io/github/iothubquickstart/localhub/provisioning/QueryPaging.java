package io.github.iothubquickstart.localhub.provisioning;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Paging of the provisioning service's queries ({@code x-ms-max-item-count}, {@code x-ms-continuation}): records in
 * id order, the token naming the last id served, so a record written or deleted between two pages neither repeats nor
 * shifts the rest. Only {@code SELECT * FROM <collection>} is offered (DPS's queries name no other projection).
 */
public final class QueryPaging {
    public static final int DEFAULT_PAGE_SIZE = 100;
    public static final int MAX_PAGE_SIZE = 1000;
    private static final Pattern SELECT_ALL = Pattern.compile("(?i)\\s*select\\s+\\*\\s+from\\s+[A-Za-z]+\\s*");
    private static final String TOKEN_PREFIX = "after:";

    private QueryPaging() {
    }

    /** @throws io.github.iothubquickstart.localhub.errors.IotHubError 400 unless it is {@code SELECT * FROM x} */
    public static void requireSelectAll(String query) {
        if (query == null || !SELECT_ALL.matcher(query).matches()) {
            throw ProvisioningErrors.badRequest("The local provisioning service answers only the query"
                    + " SELECT * FROM <collection>, not \"" + abbreviate(query) + "\".");
        }
    }

    /**
     * @param pageSize 0 for the default
     * @param continuationToken null for the first page, else the token of the previous page
     */
    public static <T> QueryPage<T> page(List<T> records, Function<T, String> id, int pageSize,
                                        String continuationToken) {
        if (pageSize < 0 || pageSize > MAX_PAGE_SIZE) {
            throw ProvisioningErrors.badRequest("x-ms-max-item-count must be 1 to " + MAX_PAGE_SIZE + ", not "
                    + pageSize + ".");
        }
        int size = pageSize == 0 ? DEFAULT_PAGE_SIZE : pageSize;
        String after = continuationToken == null || continuationToken.isEmpty() ? null : decode(continuationToken);
        List<T> sorted = new ArrayList<>(records);
        sorted.sort(Comparator.comparing(id));
        List<T> page = new ArrayList<>(size);
        boolean more = false;
        for (T record : sorted) {
            if (after != null && id.apply(record).compareTo(after) <= 0) {
                continue;
            }
            if (page.size() == size) {
                more = true;
                break;
            }
            page.add(record);
        }
        String next = more ? encode(id.apply(page.get(page.size() - 1))) : null;
        return new QueryPage<>(page, next);
    }

    private static String encode(String lastId) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((TOKEN_PREFIX + lastId).getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String token) {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (decoded.startsWith(TOKEN_PREFIX)) {
                return decoded.substring(TOKEN_PREFIX.length());
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw ProvisioningErrors.badRequest("x-ms-continuation is not a continuation token this service gave.");
    }

    private static String abbreviate(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }
}
