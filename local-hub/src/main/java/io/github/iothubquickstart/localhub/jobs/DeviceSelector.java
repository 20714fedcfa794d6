package io.github.iothubquickstart.localhub.jobs;

import java.util.List;

/** The devices a job's query condition selects now (the hub's twin query over every twin). Blocking. */
@FunctionalInterface
public interface DeviceSelector {
    List<String> deviceIdsWhere(String condition);
}
