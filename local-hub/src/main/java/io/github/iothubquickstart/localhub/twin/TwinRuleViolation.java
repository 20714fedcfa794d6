package io.github.iothubquickstart.localhub.twin;

/** A twin change that breaks one of IoT Hub's twin rules (size, depth, key names); the message says which. */
public final class TwinRuleViolation extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TwinRuleViolation(String message) {
        super(message, null, false, false);
    }
}
