package io.github.iothubquickstart.localhub.provisioning;

/** Names of CA certificates registered with the service ({@code caReferences}: primary, secondary). */
public record X509CaReferences(String primary, String secondary) {
}
