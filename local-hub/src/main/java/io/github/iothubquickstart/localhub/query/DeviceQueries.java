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
import java.util.function.Supplier;

/**
 * IoT Hub's twin queries ({@code SELECT ... FROM devices ...}, over module twins {@code FROM devices.modules}, over
 * the devices' job records {@code FROM devices.jobs}), a
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
    private final Supplier<List<JsonObject>> deviceJobs;

    public DeviceQueries(RegistryService registry, ModuleService modules, TwinStore twins) {
        this(registry, modules, twins, List::of);
    }

    private DeviceQueries(RegistryService registry, ModuleService modules, TwinStore twins,
                          Supplier<List<JsonObject>> deviceJobs) {
        this.registry = registry;
        this.modules = modules;
        this.twins = twins;
        this.deviceJobs = deviceJobs;
    }

    /**
     * These queries, answering {@code FROM devices.jobs} from {@code deviceJobs}: every device's job records in
     * their query JSON shape, each with {@code deviceId} and {@code jobId}.
     */
    public DeviceQueries withDeviceJobs(Supplier<List<JsonObject>> deviceJobs) {
        return new DeviceQueries(registry, modules, twins, deviceJobs);
    }

    /**
     * Refuses a job's {@code queryCondition} (the WHERE clause of a twin query, like {@code deviceId IN ['a']} or
     * {@code tags.x = 'y'}) that the hub cannot evaluate, with IoT Hub's 400004 naming why.
     */
    public static void requireValidCondition(String condition) {
        try {
            conditionQuery(condition);
        } catch (InvalidQueryException e) {
            throw IotHubErrors.argumentInvalid("The queryCondition is not valid: " + e.getMessage());
        }
    }

    /** The ids of the devices whose twins meet the condition now, sorted. Reads every twin: call off the event loop. */
    public List<String> deviceIdsWhere(String condition, TwinView view) {
        DeviceQuery query;
        try {
            query = conditionQuery(condition);
        } catch (InvalidQueryException e) {
            throw IotHubErrors.argumentInvalid("The queryCondition is not valid: " + e.getMessage());
        }
        return QueryEvaluator.rows(query, documents(view)).stream()
                .map(row -> row.value().get("deviceId").getAsString())
                .toList();
    }

    private static DeviceQuery conditionQuery(String condition) {
        if (condition == null || condition.isBlank()) {
            throw new InvalidQueryException("it is empty; name the devices, like deviceId IN ['a', 'b'] or"
                    + " tags.building = '43'.");
        }
        // The parser refuses GROUP BY after SELECT *, so the rows are whole twins, each with its deviceId.
        return QueryParser.parse("SELECT * FROM devices WHERE " + condition);
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
            List<JsonObject> documents = switch (parsed.collection()) {
                case DEVICES -> documents(view);
                case MODULES -> moduleDocuments(moduleView);
                case JOBS -> jobDocuments();
            };
            List<QueryEvaluator.Row> rows = QueryEvaluator.rows(parsed, documents);
            return page(query, rows, after, Math.min(pageSize, MAX_PAGE_SIZE),
                    parsed.selectsWholeTwins() && parsed.collection() != DeviceQuery.Collection.JOBS);
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

    /** Every device's job records, sorted by device id then job id. */
    private List<JsonObject> jobDocuments() {
        List<JsonObject> documents = new ArrayList<>(deviceJobs.get());
        documents.sort(Comparator.comparing(QueryEvaluator::cursorOf));
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
