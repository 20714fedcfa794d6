package io.github.iothubquickstart.localhub.digitaltwins;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.twin.TwinDocument;
import java.util.List;
import java.util.Map;

/**
 * Turns a digital twin's JSON Patch into the desired-properties merge patch that IoT Hub makes of it: a property's
 * add or replace writes its value, a remove writes null; a component's properties go under the component with its
 * {@code "__t": "c"} marker; adding or replacing a whole component (a value with {@code $metadata}, as the service
 * SDKs' {@code appendAddComponentOperation} sends) writes its properties and removes the ones it no longer has.
 * Each operation is checked against the digital twin as the operations before it left it (RFC 6902): replace and
 * remove need an existing target, add an existing parent; a path into an unknown component, into a value that is
 * not an object, or at {@code $} names is refused with 400.
 */
public final class DesiredPatchBuilder {
    private static final String METADATA = "$metadata";

    /** Every root name with its value as the digital twin shows it: desired over reported, components as objects. */
    private final JsonObject view;
    private final JsonObject patch = new JsonObject();

    private DesiredPatchBuilder(JsonObject view) {
        this.view = view;
    }

    public static JsonObject desiredPatch(TwinDocument twin, List<PatchOperation> operations) {
        DesiredPatchBuilder builder = new DesiredPatchBuilder(view(twin));
        for (int i = 0; i < operations.size(); i++) {
            builder.apply(operations.get(i), "operation " + i + " of the JSON Patch");
        }
        return builder.patch;
    }

    private void apply(PatchOperation operation, String where) {
        List<String> path = operation.path();
        for (String segment : path) {
            if (segment.isEmpty() || segment.startsWith("$") || segment.equals(PnpConvention.COMPONENT_MARKER)) {
                throw notAProperty(operation, where);
            }
        }
        String first = path.get(0);
        JsonElement current = view.get(first);
        if (path.size() == 1) {
            applyAtRoot(operation, first, current, where);
            return;
        }
        if (current == null) {
            throw IotHubErrors.argumentInvalid(where + " (" + opName(operation) + " "
                    + JsonPatchParser.printable(operation.pointer()) + ") names '" + JsonPatchParser.printable(first)
                    + "', which is no component or property of this digital twin.");
        }
        if (!current.isJsonObject()) {
            throw notAProperty(operation, where);
        }
        boolean component = PnpConvention.isComponent(current);
        JsonObject fragment = applyInside(operation, current.getAsJsonObject(), path.subList(1, path.size()), where);
        if (component) {
            fragment.addProperty(PnpConvention.COMPONENT_MARKER, PnpConvention.COMPONENT);
        }
        JsonObject wrapped = new JsonObject();
        wrapped.add(first, fragment);
        mergeInto(patch, wrapped);
    }

    /** A root property or a whole component. */
    private void applyAtRoot(PatchOperation operation, String name, JsonElement current, String where) {
        if (operation.op() != PatchOperation.Op.ADD && current == null) {
            throw missing(operation, where);
        }
        JsonObject fragment = new JsonObject();
        if (operation.op() == PatchOperation.Op.REMOVE) {
            view.remove(name);
            fragment.add(name, JsonNull.INSTANCE);
            mergeInto(patch, fragment);
            return;
        }
        JsonElement value = operation.value();
        if (value.isJsonNull()) {
            throw IotHubErrors.argumentInvalid(where + " sets " + JsonPatchParser.printable(operation.pointer())
                    + " to null: remove it instead.");
        }
        boolean component = value.isJsonObject()
                && (value.getAsJsonObject().has(METADATA) || PnpConvention.isComponent(current));
        if (!component) {
            view.add(name, value.deepCopy());
            fragment.add(name, replacement(current, value));
            mergeInto(patch, fragment);
            return;
        }
        JsonObject properties = value.getAsJsonObject().deepCopy();
        properties.remove(METADATA);
        properties.remove(PnpConvention.COMPONENT_MARKER);
        // Adding or replacing a component replaces it whole: what it had and the value lacks goes.
        JsonObject written = PnpConvention.isComponent(current)
                ? replacement(PnpConvention.componentProperties(current), properties).getAsJsonObject()
                : properties.deepCopy();
        written.addProperty(PnpConvention.COMPONENT_MARKER, PnpConvention.COMPONENT);
        JsonObject shown = properties.deepCopy();
        shown.addProperty(PnpConvention.COMPONENT_MARKER, PnpConvention.COMPONENT);
        view.add(name, shown);
        fragment.add(name, written);
        mergeInto(patch, fragment);
    }

    /**
     * The operation applied at {@code path} inside {@code container} (a component or an object property, changed in
     * place in the view); returns the merge patch of the container.
     */
    private static JsonObject applyInside(PatchOperation operation, JsonObject container, List<String> path,
                                          String where) {
        JsonObject parent = container;
        JsonObject fragment = new JsonObject();
        JsonObject fragmentParent = fragment;
        for (String segment : path.subList(0, path.size() - 1)) {
            JsonElement next = parent.get(segment);
            if (next == null) {
                throw missing(operation, where);
            }
            if (!next.isJsonObject()) {
                throw notAProperty(operation, where);
            }
            parent = next.getAsJsonObject();
            JsonObject nested = new JsonObject();
            fragmentParent.add(segment, nested);
            fragmentParent = nested;
        }
        String last = path.get(path.size() - 1);
        if (operation.op() != PatchOperation.Op.ADD && !parent.has(last)) {
            throw missing(operation, where);
        }
        if (operation.op() == PatchOperation.Op.REMOVE) {
            parent.remove(last);
            fragmentParent.add(last, JsonNull.INSTANCE);
            return fragment;
        }
        if (operation.value().isJsonNull()) {
            throw IotHubErrors.argumentInvalid(where + " sets " + JsonPatchParser.printable(operation.pointer())
                    + " to null: remove it instead.");
        }
        JsonElement value = operation.value().deepCopy();
        if (value.isJsonObject()) {
            value.getAsJsonObject().remove(METADATA);
        }
        fragmentParent.add(last, replacement(parent.get(last), value));
        parent.add(last, value);
        return fragment;
    }

    /**
     * The merge patch that turns {@code before} (null: absent) into {@code after}: after itself, but where both are
     * objects, null for each member that after lacks, as JSON Patch replaces a value whole.
     */
    private static JsonElement replacement(JsonElement before, JsonElement after) {
        if (before == null || !before.isJsonObject() || !after.isJsonObject()) {
            return after.deepCopy();
        }
        JsonObject written = new JsonObject();
        JsonObject old = before.getAsJsonObject();
        for (Map.Entry<String, JsonElement> member : after.getAsJsonObject().entrySet()) {
            written.add(member.getKey(), replacement(old.get(member.getKey()), member.getValue()));
        }
        for (String name : old.keySet()) {
            if (!written.has(name)) {
                written.add(name, JsonNull.INSTANCE);
            }
        }
        return written;
    }

    /** The digital twin's current names and values: reported (acknowledged values unwrapped), desired over them. */
    private static JsonObject view(TwinDocument twin) {
        JsonObject view = new JsonObject();
        for (Map.Entry<String, JsonElement> reported : twin.reported().entrySet()) {
            JsonElement value = reported.getValue();
            if (PnpConvention.isComponent(value)) {
                JsonObject component = new JsonObject();
                for (Map.Entry<String, JsonElement> member : value.getAsJsonObject().entrySet()) {
                    component.add(member.getKey(), unwrapped(member.getValue()));
                }
                view.add(reported.getKey(), component);
            } else {
                view.add(reported.getKey(), unwrapped(value));
            }
        }
        for (Map.Entry<String, JsonElement> desired : twin.desired().entrySet()) {
            JsonElement existing = view.get(desired.getKey());
            if (existing != null && existing.isJsonObject() && desired.getValue().isJsonObject()) {
                JsonObject merged = existing.getAsJsonObject();
                desired.getValue().getAsJsonObject().entrySet().forEach(member ->
                        merged.add(member.getKey(), member.getValue().deepCopy()));
            } else {
                view.add(desired.getKey(), desired.getValue().deepCopy());
            }
        }
        return view;
    }

    private static JsonElement unwrapped(JsonElement reported) {
        return PnpConvention.isAcknowledgement(reported)
                ? reported.getAsJsonObject().get(PnpConvention.ACK_VALUE).deepCopy() : reported.deepCopy();
    }

    /** Merges {@code fragment} into {@code target}, objects member by member, nulls kept (they remove). */
    private static void mergeInto(JsonObject target, JsonObject fragment) {
        for (Map.Entry<String, JsonElement> member : fragment.entrySet()) {
            JsonElement existing = target.get(member.getKey());
            if (existing != null && existing.isJsonObject() && member.getValue().isJsonObject()) {
                mergeInto(existing.getAsJsonObject(), member.getValue().getAsJsonObject());
            } else {
                target.add(member.getKey(), member.getValue().deepCopy());
            }
        }
    }

    private static io.github.iothubquickstart.localhub.errors.IotHubError missing(PatchOperation operation,
                                                                                  String where) {
        return IotHubErrors.argumentInvalid(where + " (" + opName(operation) + " "
                + JsonPatchParser.printable(operation.pointer()) + ") needs "
                + (operation.op() == PatchOperation.Op.ADD ? "its parent" : "that property")
                + " to exist in the digital twin, and it does not.");
    }

    private static io.github.iothubquickstart.localhub.errors.IotHubError notAProperty(PatchOperation operation,
                                                                                       String where) {
        return IotHubErrors.argumentInvalid(where + " has path " + JsonPatchParser.printable(operation.pointer())
                + ", which is not a property of the digital twin: a path names a property (/name), a component's"
                + " property (/component/name) or a member of an object property; not $dtId, $metadata or __t.");
    }

    private static String opName(PatchOperation operation) {
        return operation.op().name().toLowerCase(java.util.Locale.ROOT);
    }
}
