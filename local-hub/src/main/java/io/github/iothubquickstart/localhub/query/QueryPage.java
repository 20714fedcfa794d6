package io.github.iothubquickstart.localhub.query;

import com.google.gson.JsonObject;
import java.util.List;

/**
 * One page of a query's results.
 *
 * @param results      the results, in order
 * @param continuation the token for the next page, or null when this is the last one
 * @param twins        whether the results are whole twins ({@code SELECT *}) rather than projections or counts
 */
public record QueryPage(List<JsonObject> results, String continuation, boolean twins) {

    public QueryPage {
        results = List.copyOf(results);
    }
}
