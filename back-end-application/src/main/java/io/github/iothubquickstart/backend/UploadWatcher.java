package io.github.iothubquickstart.backend;

import io.github.iothubquickstart.common.ServiceConnectionSettings;
import java.io.PrintStream;

/** Prints the hub's file upload notifications as they arrive and completes each one. */
@FunctionalInterface
interface UploadWatcher {

    /** @param count stop after this many notifications; null to watch until the process is stopped */
    Outcome watch(ServiceConnectionSettings settings, Integer count, PrintStream out);
}
