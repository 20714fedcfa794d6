package io.github.iothubquickstart.localhub.provisioning;

/** A custom allocation's webhook ({@code customAllocationDefinition}); kept, never called (one hub only). */
public record CustomAllocationDefinition(String webhookUrl, String apiVersion) {
}
