package io.github.iothubquickstart.localhub.query;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a parsed query over twins in IoT Hub's query JSON shape: filter (only conditions that are TRUE select a
 * twin), then group and count, or project, then TOP. A projected property that a twin lacks is left out of its
 * result, as IoT Hub does.
 */
final class QueryEvaluator {
    private QueryEvaluator() {
    }

    /** One result and where it sits in the whole answer, for paging: the device (/ module) id, or the group's number. */
    record Row(String cursor, JsonObject value) {
    }

    /** @param twins the twins sorted by {@link #cursorOf} */
    static List<Row> rows(DeviceQuery query, List<JsonObject> twins) {
        List<JsonObject> selected = twins.stream()
                .filter(twin -> query.where() == null || query.where().test(twin) == Logic.TRUE)
                .toList();
        List<Row> rows = query.aggregates() ? grouped(query, selected) : projected(query, selected);
        return query.top() == null ? rows : rows.subList(0, Math.min(query.top(), rows.size()));
    }

    private static List<Row> projected(DeviceQuery query, List<JsonObject> twins) {
        List<Row> rows = new ArrayList<>(twins.size());
        for (JsonObject twin : twins) {
            rows.add(new Row(cursorOf(twin), query.selectsWholeTwins() ? twin : projection(query.items(), twin)));
        }
        return rows;
    }

    /**
     * The device id, and for a module twin {@code /} and its module id, for a device's job record {@code //} and its
     * job id: in the order the documents come in.
     */
    static String cursorOf(JsonObject twin) {
        JsonElement moduleId = twin.get("moduleId");
        JsonElement jobId = twin.get("jobId");
        return twin.get("deviceId").getAsString() + (moduleId == null ? "" : "/" + moduleId.getAsString())
                + (jobId == null || !jobId.isJsonPrimitive() ? "" : "//" + jobId.getAsString());
    }

    private static JsonObject projection(List<SelectItem> items, JsonObject twin) {
        JsonObject result = new JsonObject();
        for (SelectItem item : items) {
            SelectItem.Property property = (SelectItem.Property) item;
            JsonElement value = property.path().value(twin);
            if (value != null) {
                String name = property.alias() != null ? property.alias() : property.path().outputName(twin);
                result.add(name, value.deepCopy());
            }
        }
        return result;
    }

    /**
     * One row per distinct value of the GROUP BY property, in order of first appearance; twins without the
     * property form one group of their own. Without GROUP BY, one row counts every selected twin.
     */
    private static List<Row> grouped(DeviceQuery query, List<JsonObject> twins) {
        Map<String, Group> groups = new LinkedHashMap<>();
        if (query.groupBy() == null) {
            groups.put("all", new Group(null, null));
        }
        for (JsonObject twin : twins) {
            if (query.groupBy() == null) {
                groups.get("all").count++;
                continue;
            }
            JsonElement value = query.groupBy().value(twin);
            String key = value == null ? "undefined" : JsonValues.groupKey(value);
            groups.computeIfAbsent(key, ignored -> new Group(value, twin)).count++;
        }
        List<Row> rows = new ArrayList<>(groups.size());
        int number = 0;
        for (Group group : groups.values()) {
            rows.add(new Row(String.format("%010d", number++), group.row(query.items())));
        }
        return rows;
    }

    private static final class Group {
        private final JsonElement value;
        private final JsonObject firstTwin;
        private long count;

        Group(JsonElement value, JsonObject firstTwin) {
            this.value = value;
            this.firstTwin = firstTwin;
        }

        JsonObject row(List<SelectItem> items) {
            JsonObject row = new JsonObject();
            for (SelectItem item : items) {
                if (item instanceof SelectItem.Count count) {
                    row.addProperty(count.alias(), this.count);
                } else if (value != null) {
                    SelectItem.Property property = (SelectItem.Property) item;
                    String name = property.alias() != null ? property.alias() : property.path().outputName(firstTwin);
                    row.add(name, value.deepCopy());
                }
            }
            return row;
        }
    }
}
