package io.github.iothubquickstart.backend;

import io.github.iothubquickstart.common.ServiceConnectionSettings;

/** Reads or changes a device's twin and says how it went; the SDK in production, a fake in CLI tests. */
@FunctionalInterface
public interface TwinCaller {

    Outcome call(ServiceConnectionSettings settings, TwinRequest request);
}
