package io.github.iothubquickstart.localhubclient;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Properties;

/**
 * The one definition of {@value #FILE_NAME}: a running hub writes it into its data directory once both endpoints
 * listen and deletes it when it stops; clients read it to find the hub, its CA and the keys to call it with.
 * A {@link Properties} file, owner-only (it holds policy keys) from the moment it exists, replaced atomically so a
 * reader never sees half of it.
 */
public final class RunningHubFile {

    public static final String FILE_NAME = "running-hub.properties";
    /** Bumped when a key changes meaning; a reader refuses a newer format rather than misreading it. */
    static final int FORMAT = 1;

    private static final String FORMAT_KEY = "format";
    private static final String HOST_NAME = "hostName";
    private static final String BIND_ADDRESS = "bindAddress";
    private static final String MQTT_PORT = "mqttPort";
    private static final String HTTPS_PORT = "httpsPort";
    private static final String PID = "pid";
    private static final String START_TIME = "startTime";
    private static final String CA_FILE = "caFile";
    private static final String SERVICE_POLICY_NAME = "servicePolicyName";
    private static final String SERVICE_POLICY_KEY = "servicePolicyKey";
    private static final String REGISTRY_POLICY_NAME = "registryPolicyName";
    private static final String REGISTRY_POLICY_KEY = "registryPolicyKey";
    /** Written by hubs with the Event Hubs-compatible endpoint; optional, so older files still read. */
    private static final String HUB_NAME = "hubName";
    private static final String EVENT_HUBS_PORT = "eventHubsPort";
    /** Optional too: a file without it is from a hub that listened on the default AMQP port. */
    private static final String AMQP_PORT = "amqpPort";
    /** Added with the Device Provisioning Service; absent from older hubs' files. */
    private static final String ID_SCOPE = "idScope";
    private static final String PROVISIONING_POLICY_NAME = "provisioningPolicyName";
    private static final String PROVISIONING_POLICY_KEY = "provisioningPolicyKey";

    private RunningHubFile() {
    }

    public static Path in(Path dataDirectory) {
        return dataDirectory.resolve(FILE_NAME);
    }

    /** Writes (or replaces) the file: a mode 600 temporary file in the same directory, synced, then renamed over it. */
    public static void write(Path dataDirectory, RunningHub hub) {
        Path target = in(dataDirectory);
        Path temporary = null;
        try {
            temporary = Files.createTempFile(dataDirectory, "." + FILE_NAME, ".tmp", ownerOnly());
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(encode(hub)));
                channel.force(true);
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + " (" + e + ")", e);
        } finally {
            deleteQuietly(temporary);
        }
    }

    /**
     * The hub the file describes, or empty when there is no file (no hub, or one that does not publish it).
     * Whether that hub still runs is {@link LocalHubFinder}'s question.
     *
     * @throws LocalHubClientException when the file exists but cannot be read or makes no sense
     */
    public static Optional<RunningHub> read(Path dataDirectory) {
        Path file = in(dataDirectory);
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new LocalHubClientException("cannot read " + file + " (" + e + "): run the apps as the user who"
                    + " runs the local hub", e);
        }
        return Optional.of(decode(file, content));
    }

    /**
     * Deletes the file if it still describes {@code hub}: a hub that started later on the same data directory has
     * replaced it, and its file stays. Returns whether it deleted the file.
     */
    public static boolean deleteIfDescribes(Path dataDirectory, RunningHub hub) {
        try {
            if (read(dataDirectory).filter(hub::equals).isEmpty()) {
                return false;
            }
            // A hub starting between the read and the delete would lose its file: two hubs starting and stopping on
            // one data directory within a millisecond is not a case worth a lock.
            return Files.deleteIfExists(in(dataDirectory));
        } catch (LocalHubClientException | IOException e) {
            return false;
        }
    }

    static byte[] encode(RunningHub hub) {
        Properties properties = new Properties();
        properties.setProperty(FORMAT_KEY, Integer.toString(FORMAT));
        properties.setProperty(HOST_NAME, hub.hostName());
        properties.setProperty(BIND_ADDRESS, hub.bindAddress());
        properties.setProperty(MQTT_PORT, Integer.toString(hub.mqttPort()));
        properties.setProperty(HTTPS_PORT, Integer.toString(hub.httpsPort()));
        properties.setProperty(PID, Long.toString(hub.pid()));
        properties.setProperty(START_TIME, hub.startTime().toString());
        properties.setProperty(CA_FILE, hub.caFile());
        properties.setProperty(SERVICE_POLICY_NAME, hub.servicePolicy().name());
        properties.setProperty(SERVICE_POLICY_KEY, hub.servicePolicy().key());
        properties.setProperty(REGISTRY_POLICY_NAME, hub.registryPolicy().name());
        properties.setProperty(REGISTRY_POLICY_KEY, hub.registryPolicy().key());
        properties.setProperty(AMQP_PORT, Integer.toString(hub.amqpPort()));
        if (hub.publishesProvisioning()) {
            properties.setProperty(ID_SCOPE, hub.idScope());
            properties.setProperty(PROVISIONING_POLICY_NAME, hub.provisioningPolicy().name());
            properties.setProperty(PROVISIONING_POLICY_KEY, hub.provisioningPolicy().key());
        }
        if (hub.hubName() != null) {
            properties.setProperty(HUB_NAME, hub.hubName());
            properties.setProperty(EVENT_HUBS_PORT, Integer.toString(hub.eventHubsPort()));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            properties.store(bytes, "Written by the local hub while it runs, deleted when it stops. Holds keys: owner-only.");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static RunningHub decode(Path file, byte[] content) {
        Properties properties = new Properties();
        try {
            properties.load(new ByteArrayInputStream(content));
            Fields fields = new Fields(file, properties);
            int format = fields.integer(FORMAT_KEY);
            if (format > FORMAT) {
                throw new LocalHubClientException(file + " was written by a newer local hub (format " + format
                        + "): use apps of the same version as the hub");
            }
            return new RunningHub(fields.text(HOST_NAME), fields.text(BIND_ADDRESS), fields.port(MQTT_PORT),
                    fields.port(HTTPS_PORT), fields.longInteger(PID), fields.instant(START_TIME), fields.text(CA_FILE),
                    new PolicyKey(fields.text(SERVICE_POLICY_NAME), fields.text(SERVICE_POLICY_KEY)),
                    new PolicyKey(fields.text(REGISTRY_POLICY_NAME), fields.text(REGISTRY_POLICY_KEY)),
                    properties.containsKey(HUB_NAME) ? fields.text(HUB_NAME) : null,
                    properties.containsKey(HUB_NAME) ? (int) fields.number(EVENT_HUBS_PORT, 0, 65535) : 0,
                    properties.containsKey(AMQP_PORT) ? (int) fields.number(AMQP_PORT, 0, 65535)
                            : LocalHubDefaults.AMQP_PORT,
                    properties.containsKey(ID_SCOPE) ? fields.text(ID_SCOPE) : null,
                    properties.containsKey(ID_SCOPE) ? new PolicyKey(fields.text(PROVISIONING_POLICY_NAME),
                            fields.text(PROVISIONING_POLICY_KEY)) : null);
        } catch (IOException | IllegalArgumentException e) {
            throw corrupt(file, e.getMessage());
        }
    }

    private static LocalHubClientException corrupt(Path file, String detail) {
        return new LocalHubClientException(file + " is corrupt (" + detail + "): restart the local hub to rewrite it,"
                + " or delete the file if no local hub is running");
    }

    private static FileAttribute<?>[] ownerOnly() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
    }

    private static void deleteQuietly(Path temporary) {
        if (temporary != null) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException e) {
                // Only a leftover hidden temporary file; the write itself already succeeded or failed.
            }
        }
    }

    /** Typed reads of the properties; each failure names the key. */
    private record Fields(Path file, Properties properties) {

        String text(String key) {
            String value = properties.getProperty(key);
            if (value == null || value.isBlank()) {
                throw corrupt(file, "no " + key);
            }
            return value.strip();
        }

        int integer(String key) {
            return (int) number(key, Integer.MIN_VALUE, Integer.MAX_VALUE);
        }

        int port(String key) {
            return (int) number(key, 1, 65535);
        }

        long longInteger(String key) {
            return number(key, 1, Long.MAX_VALUE);
        }

        Instant instant(String key) {
            String value = text(key);
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException e) {
                throw corrupt(file, key + " is not a time: " + value);
            }
        }

        long number(String key, long min, long max) {
            String value = text(key);
            try {
                long number = Long.parseLong(value);
                if (number < min || number > max) {
                    throw corrupt(file, key + " " + number + " is out of range");
                }
                return number;
            } catch (NumberFormatException e) {
                throw corrupt(file, key + " is not a number: " + value);
            }
        }
    }
}
