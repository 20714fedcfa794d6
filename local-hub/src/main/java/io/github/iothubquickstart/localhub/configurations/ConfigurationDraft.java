package io.github.iothubquickstart.localhub.configurations;

import com.google.gson.JsonElement;
import java.util.Map;

/**
 * A configuration as a service sends it ({@code PUT /configurations/{id}}, taken out of the body by the transport),
 * before the hub's rules are checked: what is absent is null.
 *
 * @param otherContent the kind of content the local hub does not apply ({@code moduleContent}, {@code modulesContent}),
 *                     or null
 */
public record ConfigurationDraft(String id, Map<String, String> labels, Map<String, JsonElement> deviceContent,
                                 String otherContent, String targetCondition, Integer priority,
                                 Map<String, String> metricQueries) {
}
