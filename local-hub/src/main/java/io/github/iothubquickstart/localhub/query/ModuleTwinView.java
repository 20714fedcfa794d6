package io.github.iothubquickstart.localhub.query;

import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.registry.RegisteredModule;
import io.github.iothubquickstart.localhub.twin.TwinDocument;

/** A module twin as queries see it and return it ({@code FROM devices.modules}); supplied by the transport. */
@FunctionalInterface
public interface ModuleTwinView {
    JsonObject of(TwinDocument twin, RegisteredModule module);
}
