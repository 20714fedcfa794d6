package io.github.iothubquickstart.localhub.e2e;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What the in-process hub logged while a piece of a test ran: slf4j-simple writes to the current standard error,
 * which is swapped for the time (and echoed after, so the test's output keeps it). Test classes in one JVM run one
 * after the other, so only this class's hub logs meanwhile.
 */
final class HubLogCapture {
    interface Body {
        void run() throws Exception;
    }

    private HubLogCapture() {
    }

    static String during(Body body) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        original.print(log);
        return log;
    }
}
