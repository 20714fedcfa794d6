package io.github.iothubquickstart.localhub.registry;

/** What a caller asks to set on a module: keys (null: generate on create, keep on update) and managedBy. */
public record ModuleUpdate(String primaryKey, String secondaryKey, String managedBy) {

    /** Keys come as a pair, as for devices. */
    public boolean hasKeys() {
        return primaryKey != null && secondaryKey != null;
    }
}
