package io.github.iothubquickstart.device;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;

/**
 * Calls {@code onEnter} when the user presses ENTER. End of input is not ENTER: a device started in the
 * background or in CI (stdin closed) keeps running.
 */
final class EnterKeyListener {

    private final InputStream input;
    private final Runnable onEnter;

    EnterKeyListener(InputStream input, Runnable onEnter) {
        this.input = input;
        this.onEnter = onEnter;
    }

    /** Starts a daemon thread, so it never keeps the JVM alive. */
    Thread start() {
        Thread thread = new Thread(this::listen, "enter-key-listener");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    void listen() {
        BufferedReader reader = new BufferedReader(new InputStreamReader(input, Charset.defaultCharset()));
        try {
            if (reader.readLine() != null) {
                onEnter.run();
            }
        } catch (IOException e) {
            // stdin unusable: only signals can stop the device, which is fine
        }
    }
}
