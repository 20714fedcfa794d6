package io.github.iothubquickstart.localhubclient;

import java.util.Objects;

/** A shared access policy's name and primary key: what a service signs its SAS tokens with. */
public record PolicyKey(String name, String key) {

    public PolicyKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(key, "key");
    }

    @Override
    public String toString() {
        return "PolicyKey[name=" + name + "]";
    }
}
