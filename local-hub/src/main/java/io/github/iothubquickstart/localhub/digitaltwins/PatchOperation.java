package io.github.iothubquickstart.localhub.digitaltwins;

import com.google.gson.JsonElement;
import java.util.List;

/**
 * One JSON Patch (RFC 6902) operation on a digital twin: {@code add}, {@code replace} or {@code remove}, its path as
 * JSON Pointer segments (unescaped, at least one) and, but for remove, its value.
 */
public record PatchOperation(Op op, List<String> path, String pointer, JsonElement value) {

    public enum Op {
        ADD, REPLACE, REMOVE
    }

    public PatchOperation {
        path = List.copyOf(path);
    }
}
