package io.github.iothubquickstart.backend;

import io.github.iothubquickstart.common.ServiceConnectionSettings;

/** Invokes a direct method and says how it went; the SDK in production, a fake in CLI tests. */
@FunctionalInterface
public interface MethodCaller {

    Outcome call(ServiceConnectionSettings settings, MethodCall call);
}
