package io.github.iothubquickstart.common;

/** Reads environment variables; injected so tests never depend on the real environment. */
@FunctionalInterface
public interface Environment {

    /** @return the variable's value, or null when it is not set */
    String get(String name);

    static Environment system() {
        return System::getenv;
    }
}
