package io.github.iothubquickstart.localhub.configurations;

import com.google.gson.JsonElement;
import java.util.Map;

/**
 * A configuration as a service sends it ({@code PUT /configurations/{id}}, taken out of the body by the transport),
 * before the hub's rules are checked: what is absent is null.
 *
 * @param moduleContent {@code content.moduleContent}: an automatic module configuration's desired properties
 * @param otherContent  the kind of content the local hub does not apply ({@code modulesContent}), or null
 */
public record ConfigurationDraft(String id, Map<String, String> labels, Map<String, JsonElement> deviceContent,
                                 Map<String, JsonElement> moduleContent, String otherContent, String targetCondition, Integer priority,
                                 Map<String, String> metricQueries) {
}
