package io.github.iothubquickstart.localhub.storage;

import io.github.iothubquickstart.localhub.registry.AccessRight;
import io.github.iothubquickstart.localhub.registry.DeviceAlreadyExistsException;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.registry.DeviceNotFoundException;
import io.github.iothubquickstart.localhub.registry.EdgeHierarchy;
import io.github.iothubquickstart.localhub.registry.SharedAccessPolicy;
import io.github.iothubquickstart.localhub.registry.SymmetricKeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteDeviceRegistryTest {

    private static final Instant CREATED = Instant.parse("2025-01-02T03:04:05.678Z");

    @TempDir
    Path dir;

    private final List<SqliteDeviceRegistry> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(SqliteDeviceRegistry::close);
    }

    @Test
    void seedsThePoliciesAndMyJavaDeviceOnCreation() {
        SqliteDeviceRegistry registry = open();

        Map<String, SharedAccessPolicy> policies = registry.listPolicies().stream()
                .collect(Collectors.toMap(SharedAccessPolicy::name, Function.identity()));
        assertThat(policies.keySet())
                .containsExactlyInAnyOrder("iothubowner", "service", "registryRead", "registryReadWrite", "device");
        assertThat(policies.get("iothubowner").rights()).isEqualTo(EnumSet.allOf(AccessRight.class));
        assertThat(policies.get("service").rights()).containsExactly(AccessRight.SERVICE_CONNECT);
        assertThat(policies.get("registryRead").rights()).containsExactly(AccessRight.REGISTRY_READ);
        assertThat(policies.get("registryReadWrite").rights())
                .containsExactlyInAnyOrder(AccessRight.REGISTRY_READ, AccessRight.REGISTRY_WRITE);
        assertThat(policies.get("device").rights()).containsExactly(AccessRight.DEVICE_CONNECT);
        assertThat(registry.listPolicies()).extracting(SharedAccessPolicy::name).isSorted();

        DeviceIdentity device = registry.findDevice("MyJavaDevice").orElseThrow();
        assertThat(device.enabled()).isTrue();
        assertThat(device.createdAt()).isEqualTo(CREATED);
        assertThat(registry.listDevices()).containsExactly(device);

        List<String> allKeys = new ArrayList<>(List.of(device.primaryKey(), device.secondaryKey()));
        registry.listPolicies().forEach(policy -> allKeys.addAll(policy.keys()));
        assertThat(allKeys).doesNotHaveDuplicates()
                .allSatisfy(key -> assertThat(Base64.getDecoder().decode(key)).hasSize(32));
    }

    @Test
    void keepsEverythingAcrossReopenAndSeedsOnlyOnce() {
        SqliteDeviceRegistry first = open();
        DeviceIdentity created = first.createDevice("dev1");
        first.setEnabled("MyJavaDevice", false);
        List<SharedAccessPolicy> policies = first.listPolicies();
        List<DeviceIdentity> devices = first.listDevices();
        first.close();

        SqliteDeviceRegistry second = open();

        assertThat(second.listPolicies()).isEqualTo(policies);
        assertThat(second.listDevices()).isEqualTo(devices);
        assertThat(second.findDevice("dev1")).contains(created);
        assertThat(second.findDevice("MyJavaDevice").orElseThrow().enabled()).isFalse();
    }

    @Test
    void aDeletedMyJavaDeviceStaysDeletedAfterReopen() {
        SqliteDeviceRegistry first = open();
        assertThat(first.deleteDevice("MyJavaDevice")).isTrue();
        first.close();

        assertThat(open().findDevice("MyJavaDevice")).isEmpty();
        assertThat(open().listDevices()).isEmpty();
    }

    @Test
    void createsFindsListsAndDeletesDevices() {
        SqliteDeviceRegistry registry = open();

        DeviceIdentity zulu = registry.createDevice("zulu");
        DeviceIdentity alpha = registry.createDevice("alpha");

        assertThat(zulu.enabled()).isTrue();
        assertThat(zulu.primaryKey()).isNotEqualTo(zulu.secondaryKey()).isNotEqualTo(alpha.primaryKey());
        assertThat(registry.findDevice("zulu")).contains(zulu);
        assertThat(registry.findDevice("ZULU")).isEmpty();
        assertThat(registry.findDevice(null)).isEmpty();
        assertThat(registry.listDevices()).extracting(DeviceIdentity::deviceId)
                .containsExactly("MyJavaDevice", "alpha", "zulu");

        assertThat(registry.deleteDevice("zulu")).isTrue();
        assertThat(registry.deleteDevice("zulu")).isFalse();
        assertThat(registry.findDevice("zulu")).isEmpty();
        assertThat(registry.listDevices()).extracting(DeviceIdentity::deviceId)
                .containsExactly("MyJavaDevice", "alpha");
    }

    @Test
    void createsADeviceWithGivenKeys() {
        SqliteDeviceRegistry registry = open();
        String primary = SymmetricKeys.random();
        String secondary = Base64.getEncoder().encodeToString(new byte[16]);

        DeviceIdentity device = registry.createDevice("given", primary, secondary);

        assertThat(device.keys()).containsExactly(primary, secondary);
        assertThat(registry.findDevice("given")).contains(device);
    }

    @Test
    void refusesInvalidKeys() {
        SqliteDeviceRegistry registry = open();

        assertThatThrownBy(() -> registry.createDevice("d", "not base64!", SymmetricKeys.random()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("primary key is not valid base64");
        assertThatThrownBy(() -> registry.createDevice("d", SymmetricKeys.random(),
                Base64.getEncoder().encodeToString(new byte[8])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("secondary key must be base64 of 16");
        assertThat(registry.findDevice("d")).isEmpty();
    }

    @Test
    void refusesADuplicateDevice() {
        SqliteDeviceRegistry registry = open();
        DeviceIdentity original = registry.createDevice("dup");

        assertThatThrownBy(() -> registry.createDevice("dup"))
                .isInstanceOf(DeviceAlreadyExistsException.class).hasMessageContaining("\"dup\" already exists");
        assertThatThrownBy(() -> registry.createDevice("MyJavaDevice"))
                .isInstanceOf(DeviceAlreadyExistsException.class);
        assertThat(registry.findDevice("dup")).contains(original);
    }

    @Test
    void refusesInvalidDeviceIds() {
        SqliteDeviceRegistry registry = open();

        for (String invalid : List.of("", "has space", "a/b", "x".repeat(129))) {
            assertThatThrownBy(() -> registry.createDevice(invalid))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid device id");
        }
        assertThat(registry.listDevices()).hasSize(1);
    }

    @Test
    void enablesAndDisablesDevices() {
        SqliteDeviceRegistry registry = open();
        DeviceIdentity device = registry.createDevice("dev1");

        DeviceIdentity disabled = registry.setEnabled("dev1", false);

        assertThat(disabled).isEqualTo(new DeviceIdentity("dev1", device.primaryKey(), device.secondaryKey(), false,
                device.createdAt()));
        assertThat(registry.findDevice("dev1")).contains(disabled);
        assertThat(registry.setEnabled("dev1", true).enabled()).isTrue();
        assertThatThrownBy(() -> registry.setEnabled("ghost", true))
                .isInstanceOf(DeviceNotFoundException.class).hasMessageContaining("\"ghost\"");
    }

    @Test
    void keepsTheEdgeHierarchyAcrossUpdatesAndReopen() {
        SqliteDeviceRegistry registry = open();
        DeviceIdentity edge = registry.createDevice("gw");
        EdgeHierarchy own = new EdgeHierarchy(true, EdgeHierarchy.scopeOf(edge), null);
        registry.setEdgeHierarchy("gw", own);
        registry.createDevice("leaf");
        EdgeHierarchy child = new EdgeHierarchy(false, own.deviceScope(), own.deviceScope());

        DeviceIdentity leaf = registry.setEdgeHierarchy("leaf", child);
        DeviceIdentity updated = registry.updateDevice("leaf", leaf.primaryKey(), leaf.secondaryKey(), false, "moved");

        assertThat(updated.edge()).isEqualTo(child);
        SqliteDeviceRegistry reopened = open();
        assertThat(reopened.findDevice("gw").orElseThrow().edge()).isEqualTo(own);
        assertThat(reopened.findDevice("leaf")).contains(updated);
        assertThat(reopened.findDevice("MyJavaDevice").orElseThrow().edge()).isEqualTo(EdgeHierarchy.NONE);
        assertThatThrownBy(() -> registry.setEdgeHierarchy("ghost", own)).isInstanceOf(DeviceNotFoundException.class);
    }

    @Test
    void lookupsSeeChangesMadeByAnotherProcess() {
        SqliteDeviceRegistry hub = open();
        assertThat(hub.findDevice("MyJavaDevice")).isPresent();
        SqliteDeviceRegistry cli = open();

        cli.createDevice("fromCli");
        cli.deleteDevice("MyJavaDevice");

        assertThat(hub.findDevice("fromCli")).isPresent();
        assertThat(hub.findDevice("MyJavaDevice")).isEmpty();
        cli.setEnabled("fromCli", false);
        assertThat(hub.listDevices()).extracting(DeviceIdentity::enabled).containsExactly(false);
    }

    @Test
    void isSafeUnderConcurrentWrites() throws Exception {
        SqliteDeviceRegistry registry = open();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int thread = 0; thread < 8; thread++) {
                int t = thread;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        registry.createDevice("t" + t + "-" + i);
                        registry.findDevice("MyJavaDevice").orElseThrow();
                    }
                }));
            }
            for (Future<?> future : futures) {
                future.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(registry.listDevices()).hasSize(201);
        registry.close();
        assertThat(open().listDevices()).hasSize(201);
    }

    @Test
    void databaseIsOwnerOnlyAndInWalMode() throws Exception {
        open();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file()))).isEqualTo("rw-------");
        try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + file());
                Statement statement = raw.createStatement();
                var rows = statement.executeQuery("PRAGMA journal_mode")) {
            rows.next();
            assertThat(rows.getString(1)).isEqualToIgnoringCase("wal");
        }
    }

    @Test
    void refusesAFileThatIsNotADatabase() throws Exception {
        Files.writeString(file(), "this is not a database, just text ".repeat(200));

        assertThatThrownBy(this::open)
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("registry database " + file() + " is unreadable")
                .hasMessageContaining("restore it from a backup or delete the data directory to start afresh");
        assertThat(Files.readString(file())).startsWith("this is not a database");
    }

    @Test
    void refusesADamagedDatabase() throws Exception {
        open().close();
        opened.clear();
        long length = Files.size(file());
        try (RandomAccessFile raw = new RandomAccessFile(file().toFile(), "rw")) {
            // Keep the 100-byte header, wreck the schema page and everything after it.
            raw.seek(100);
            raw.write("garbage!".repeat((int) (length - 100) / 8).getBytes(StandardCharsets.US_ASCII));
        }

        assertThatThrownBy(this::open)
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("is unreadable")
                .hasMessageContaining("delete the data directory");
    }

    @Test
    void refusesADatabaseFromANewerVersion() throws Exception {
        open().close();
        opened.clear();
        execute("PRAGMA user_version = 99");

        assertThatThrownBy(this::open)
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("schema version 99, made by a newer local hub");
    }

    @Test
    void refusesAForeignSqliteDatabase() throws Exception {
        execute("CREATE TABLE something (x)");

        assertThatThrownBy(this::open)
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("not a local hub registry");
    }

    @Test
    void openExistingNeverCreates() {
        assertThatThrownBy(() -> SqliteDeviceRegistry.openExisting(file()))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("no registry database at " + file());
        assertThat(file()).doesNotExist();

        open().createDevice("dev1");
        try (SqliteDeviceRegistry existing = SqliteDeviceRegistry.openExisting(file())) {
            assertThat(existing.findDevice("dev1")).isPresent();
        }
    }

    private SqliteDeviceRegistry open() {
        SqliteDeviceRegistry registry = SqliteDeviceRegistry.open(file(), Clock.fixed(CREATED, ZoneOffset.UTC));
        opened.add(registry);
        return registry;
    }

    private Path file() {
        return dir.resolve("registry.db");
    }

    private void execute(String sql) throws Exception {
        try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + file());
                Statement statement = raw.createStatement()) {
            statement.execute(sql);
        }
    }
}
