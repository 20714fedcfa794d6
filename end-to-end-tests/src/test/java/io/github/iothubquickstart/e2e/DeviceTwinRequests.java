package io.github.iothubquickstart.e2e;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the simulated device printed about its twin requests. It resends one whose answer did not come within 5 s,
 * as the device SDK 2.5.0 can lose an answer it received (docs/sdk-twin-race.md): a resend is allowed and logged,
 * but a request that every attempt left unanswered fails the test, so a silent hub is not hidden.
 */
final class DeviceTwinRequests {
    static final String RESEND = "sending it again";

    private DeviceTwinRequests() {
    }

    /** @return how many twin requests the device sent again */
    static int assertHubAnsweredEvery(ConsoleCapture device, String test) {
        String printed = device.stdout();
        int resends = printed.split(RESEND, -1).length - 1;
        if (resends > 0) {
            System.out.println(test + ": the device resent " + resends + " twin request(s) after no answer came in time");
        }
        assertThat(printed).as("a twin request no attempt of which was answered; " + device)
                .doesNotContain("Could not report");
        assertThat(device.stderr()).as("the device's twin failed; " + device)
                .doesNotContain("the device twin is not available");
        return resends;
    }
}
