package io.github.iothubquickstart.localhub.query;

import java.util.List;

/**
 * A parsed {@code SELECT ... FROM devices [WHERE ...] [GROUP BY ...]} query.
 *
 * @param items   what to return; empty for {@code SELECT *}
 * @param top     at most this many results ({@code SELECT TOP n}), or null for all
 * @param where   the filter, or null for every twin
 * @param groupBy the grouping property, or null
 */
record DeviceQuery(List<SelectItem> items, Integer top, Condition where, PropertyPath groupBy) {

    DeviceQuery {
        items = List.copyOf(items);
    }

    boolean selectsWholeTwins() {
        return items.isEmpty();
    }

    boolean aggregates() {
        return groupBy != null || items.stream().anyMatch(SelectItem.Count.class::isInstance);
    }
}
