package io.github.iothubquickstart.localhub.query;

import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.registry.ModuleNotFoundException;
import io.github.iothubquickstart.localhub.registry.ModuleService;
import io.github.iothubquickstart.localhub.registry.RegisteredModule;
import io.github.iothubquickstart.localhub.registry.DeviceNotFoundException;
import io.github.iothubquickstart.localhub.registry.RegisteredDevice;
import io.github.iothubquickstart.localhub.registry.RegistryService;
import io.github.iothubquickstart.localhub.twin.TwinDocument;
import io.github.iothubquickstart.localhub.twin.TwinStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * IoT Hub's twin queries ({@code SELECT ... FROM devices ...}, and over module twins {@code FROM devices.modules}), a
 * page at a time. Each page runs the query afresh
 * over the current twins and starts after the position in the continuation token. Reads the twin store, so call it
 * off the event loop. Fails only with {@link io.github.iothubquickstart.localhub.errors.IotHubError}: 400004 for a
 * query it refuses.
 */
public final class DeviceQueries {
    /** IoT Hub's largest page; a larger {@code x-ms-max-item-count} gets this many. */
    public static final int MAX_PAGE_SIZE = 100;

    private final RegistryService registry;
    private final ModuleService modules;
    private final TwinStore twins;

    public DeviceQueries(RegistryService registry, ModuleService modules, TwinStore twins) {
        this.registry = registry;
        this.modules = modules;
        this.twins = twins;
    }

    /**
     * @param pageSize     the most results wanted, 1 or more (more than {@link #MAX_PAGE_SIZE} gets that many)
     * @param continuation the previous page's token, or null for the first page
     */
    public QueryPage run(String query, int pageSize, String continuation, TwinView view, ModuleTwinView moduleView) {
        if (pageSize < 1) {
            throw IotHubErrors.argumentInvalid("x-ms-max-item-count must be 1 or more.");
        }
        try {
            DeviceQuery parsed = QueryParser.parse(query);
            String after = continuation == null || continuation.isBlank()
                    ? null
                    : ContinuationToken.cursor(query, continuation);
            List<JsonObject> documents = parsed.modules() ? moduleDocuments(moduleView) : documents(view);
            List<QueryEvaluator.Row> rows = QueryEvaluator.rows(parsed, documents);
            return page(query, rows, after, Math.min(pageSize, MAX_PAGE_SIZE), parsed.selectsWholeTwins());
        } catch (InvalidQueryException e) {
            throw IotHubErrors.argumentInvalid(e.getMessage());
        }
    }

    private static QueryPage page(String query, List<QueryEvaluator.Row> rows, String after, int pageSize,
                                  boolean twins) {
        List<JsonObject> results = new ArrayList<>(pageSize);
        String last = null;
        boolean more = false;
        for (QueryEvaluator.Row row : rows) {
            if (after != null && row.cursor().compareTo(after) <= 0) {
                continue;
            }
            if (results.size() == pageSize) {
                more = true;
                break;
            }
            results.add(row.value());
            last = row.cursor();
        }
        return new QueryPage(results, more ? ContinuationToken.after(query, last) : null, twins);
    }

    /** Every twin in the query shape, sorted by device id; a device deleted meanwhile is left out. */
    private List<JsonObject> documents(TwinView view) {
        List<RegisteredDevice> devices = new ArrayList<>(registry.list());
        devices.sort(Comparator.comparing(device -> device.identity().deviceId()));
        List<JsonObject> documents = new ArrayList<>(devices.size());
        for (RegisteredDevice device : devices) {
            try {
                TwinDocument twin = twins.load(device.identity().deviceId());
                documents.add(view.of(twin, device));
            } catch (DeviceNotFoundException e) {
                // deleted between the listing and the read: no longer part of the answer
            }
        }
        return documents;
    }

    /** Every module twin in the query shape, sorted by device id then module id; deleted meanwhile: left out. */
    private List<JsonObject> moduleDocuments(ModuleTwinView view) {
        List<JsonObject> documents = new ArrayList<>();
        for (RegisteredDevice device : registry.list()) {
            List<RegisteredModule> ofDevice;
            try {
                ofDevice = modules.list(device.identity().deviceId());
            } catch (IotHubError deletedMeanwhile) {
                continue;
            }
            for (RegisteredModule module : ofDevice) {
                try {
                    documents.add(view.of(twins.load(module.identity().id()), module));
                } catch (DeviceNotFoundException | ModuleNotFoundException e) {
                    // deleted between the listing and the read: no longer part of the answer
                }
            }
        }
        documents.sort(Comparator.comparing(QueryEvaluator::cursorOf));
        return documents;
    }
}
