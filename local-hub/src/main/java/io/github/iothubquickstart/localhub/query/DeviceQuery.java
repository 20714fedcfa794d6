package io.github.iothubquickstart.localhub.query;

import java.util.List;

/**
 * A parsed {@code SELECT ... FROM devices[.modules|.jobs] [WHERE ...] [GROUP BY ...]} query.
 *
 * @param items   what to return; empty for {@code SELECT *}
 * @param top     at most this many results ({@code SELECT TOP n}), or null for all
 * @param where   the filter, or null for every twin
 * @param groupBy the grouping property, or null
 * @param collection {@code FROM devices}, {@code devices.modules} or {@code devices.jobs}
 */
record DeviceQuery(List<SelectItem> items, Integer top, Condition where, PropertyPath groupBy, Collection collection) {

    /** What a query reads: device twins, module twins, or the devices' job records. */
    enum Collection { DEVICES, MODULES, JOBS }

    DeviceQuery {
        items = List.copyOf(items);
    }

    DeviceQuery(List<SelectItem> items, Integer top, Condition where, PropertyPath groupBy) {
        this(items, top, where, groupBy, Collection.DEVICES);
    }

    boolean modules() {
        return collection == Collection.MODULES;
    }

    boolean selectsWholeTwins() {
        return items.isEmpty();
    }

    boolean aggregates() {
        return groupBy != null || items.stream().anyMatch(SelectItem.Count.class::isInstance);
    }
}
