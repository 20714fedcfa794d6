package io.github.iothubquickstart.localhub.query;

import java.util.List;

/**
 * A parsed {@code SELECT ... FROM devices[.modules] [WHERE ...] [GROUP BY ...]} query.
 *
 * @param items   what to return; empty for {@code SELECT *}
 * @param top     at most this many results ({@code SELECT TOP n}), or null for all
 * @param where   the filter, or null for every twin
 * @param groupBy the grouping property, or null
 * @param modules {@code FROM devices.modules}: the module twins rather than the device twins
 */
record DeviceQuery(List<SelectItem> items, Integer top, Condition where, PropertyPath groupBy, boolean modules) {

    DeviceQuery {
        items = List.copyOf(items);
    }

    DeviceQuery(List<SelectItem> items, Integer top, Condition where, PropertyPath groupBy) {
        this(items, top, where, groupBy, false);
    }

    boolean selectsWholeTwins() {
        return items.isEmpty();
    }

    boolean aggregates() {
        return groupBy != null || items.stream().anyMatch(SelectItem.Count.class::isInstance);
    }
}
