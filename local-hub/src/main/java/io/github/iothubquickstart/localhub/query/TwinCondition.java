package io.github.iothubquickstart.localhub.query;

import com.google.gson.JsonObject;

/**
 * Which twins a condition selects, in IoT Hub's query language: a configuration's target condition (a WHERE clause,
 * or {@code *} for every device) or the WHERE part of a metric query ({@code SELECT deviceId FROM devices WHERE ...}).
 * Tested against twins in the query JSON shape ({@link TwinView}).
 */
public final class TwinCondition {
    private static final TwinCondition EVERY_TWIN = new TwinCondition(null, true);
    private static final TwinCondition NO_TWIN = new TwinCondition(null, false);

    /** Null: {@link #all} decides. */
    private final Condition condition;
    private final boolean all;

    private TwinCondition(Condition condition, boolean all) {
        this.condition = condition;
        this.all = all;
    }

    /**
     * A target condition: {@code *} selects every device, none (null or blank) no device, as IoT Hub has it; anything
     * else is a WHERE clause.
     *
     * @throws InvalidQueryException when the query language refuses it
     */
    public static TwinCondition targetCondition(String text) {
        if (text == null || text.isBlank()) {
            return NO_TWIN;
        }
        if (text.trim().equals("*")) {
            return EVERY_TWIN;
        }
        return new TwinCondition(QueryParser.whereClause(text), false);
    }

    /**
     * A module configuration's target condition, as IoT Hub has it: {@code FROM devices.modules [WHERE ...]}; none
     * (null or blank) selects no module.
     *
     * @throws InvalidQueryException when it does not select FROM devices.modules, or the query language refuses it
     */
    public static TwinCondition moduleTargetCondition(String text) {
        if (text == null || text.isBlank()) {
            return NO_TWIN;
        }
        if (!text.trim().regionMatches(true, 0, "FROM", 0, 4)) {
            throw new InvalidQueryException("A module configuration's target condition selects module twins: FROM"
                    + " devices.modules WHERE <condition>, like FROM devices.modules WHERE tags.role = 'sensor'.");
        }
        return ofModuleQuery("SELECT * " + text.trim());
    }

    /**
     * The module twins a {@code SELECT ... FROM devices.modules [WHERE ...]} query selects.
     *
     * @throws InvalidQueryException when the query language refuses it, or it does not query module twins
     */
    public static TwinCondition ofModuleQuery(String query) {
        DeviceQuery parsed = QueryParser.parse(query);
        if (!parsed.modules()) {
            throw new InvalidQueryException("The query selects device twins; a module configuration selects module"
                    + " twins, FROM devices.modules.");
        }
        if (parsed.aggregates()) {
            throw new InvalidQueryException("A module configuration's query selects modules (SELECT deviceId, moduleId"
                    + " FROM devices.modules WHERE ...); it counts them itself, without COUNT() or GROUP BY.");
        }
        return parsed.where() == null ? EVERY_TWIN : new TwinCondition(parsed.where(), false);
    }

    /**
     * The devices a {@code SELECT ... FROM devices [WHERE ...]} query selects.
     *
     * @throws InvalidQueryException when the query language refuses it, or it queries module twins
     */
    public static TwinCondition ofDeviceQuery(String query) {
        DeviceQuery parsed = QueryParser.parse(query);
        if (parsed.modules()) {
            throw new InvalidQueryException("The query selects module twins (FROM devices.modules); a device"
                    + " configuration's metric queries FROM devices.");
        }
        if (parsed.aggregates()) {
            throw new InvalidQueryException("A metric query selects devices (SELECT deviceId FROM devices WHERE ...);"
                    + " it counts them itself, without COUNT() or GROUP BY.");
        }
        return parsed.where() == null ? EVERY_TWIN : new TwinCondition(parsed.where(), false);
    }

    public boolean matches(JsonObject twin) {
        return condition == null ? all : condition.test(twin) == Logic.TRUE;
    }
}
