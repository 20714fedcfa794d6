package io.github.iothubquickstart.localhub.junit;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Runs at the same time as ParallelClassOneTest; see {@link ParallelClasses}. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ParallelClassTwoTest {
    @RegisterExtension
    static LocalIotHubExtension hub = LocalIotHubExtension.create();

    @Test
    void seesOnlyItsOwnDevices() throws Exception {
        ParallelClasses.checkIsolation(hub, "two", "one");
    }
}
