package io.github.iothubquickstart.localhub.provisioning;

import com.google.gson.JsonObject;

/**
 * The twin an enrollment gives a device when DPS creates it ({@code initialTwin}: {@code tags} and
 * {@code properties.desired}); either may be null. The objects are copied on the way in and out.
 */
public record InitialTwin(JsonObject tags, JsonObject desiredProperties) {

    public static final InitialTwin NONE = new InitialTwin(null, null);

    public InitialTwin {
        tags = tags == null ? null : tags.deepCopy();
        desiredProperties = desiredProperties == null ? null : desiredProperties.deepCopy();
    }

    @Override
    public JsonObject tags() {
        return tags == null ? null : tags.deepCopy();
    }

    @Override
    public JsonObject desiredProperties() {
        return desiredProperties == null ? null : desiredProperties.deepCopy();
    }

    public boolean isEmpty() {
        return (tags == null || tags.size() == 0) && (desiredProperties == null || desiredProperties.size() == 0);
    }
}
