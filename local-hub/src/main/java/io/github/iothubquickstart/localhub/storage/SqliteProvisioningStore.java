package io.github.iothubquickstart.localhub.storage;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import io.github.iothubquickstart.localhub.provisioning.EnrollmentGroup;
import io.github.iothubquickstart.localhub.provisioning.IndividualEnrollment;
import io.github.iothubquickstart.localhub.provisioning.ProvisioningStore;
import io.github.iothubquickstart.localhub.provisioning.RegistrationState;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The Device Provisioning Service's data in {@code provisioning.db} (SQLite, WAL) in the data directory: the hub's ID
 * scope, individual enrollments, enrollment groups and registration states, each record one row (its JSON). The
 * running hub and the CLI in another process share the file; every read-change-write is one {@code BEGIN IMMEDIATE}
 * transaction, so neither overtakes the other.
 */
public final class SqliteProvisioningStore implements ProvisioningStore {
    /** Version 1: meta (the ID scope), individual_enrollment, enrollment_group, registration_state. */
    static final int VERSION = 1;
    private static final String ID_SCOPE = "idScope";
    private static final Gson GSON = new GsonBuilder()
            .registerTypeAdapter(Instant.class, new InstantAdapter().nullSafe())
            .disableHtmlEscaping()
            .create();

    private final LockedConnection database;

    private SqliteProvisioningStore(LockedConnection database) {
        this.database = database;
    }

    public static SqliteProvisioningStore open(Path file) {
        try {
            Connection connection = SqliteFiles.openOwnerOnly(file);
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA journal_mode=WAL");
                statement.execute("PRAGMA synchronous=FULL");
                int version;
                try (ResultSet rows = statement.executeQuery("PRAGMA user_version")) {
                    version = rows.next() ? rows.getInt(1) : 0;
                }
                if (version > VERSION) {
                    throw new StorageException("provisioning database " + file + " has schema version " + version
                            + ", made by a newer local hub (this one understands version " + VERSION
                            + "): run that newer version");
                }
                statement.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
                statement.execute("CREATE TABLE IF NOT EXISTS individual_enrollment ("
                        + " registration_id TEXT PRIMARY KEY, record TEXT NOT NULL)");
                statement.execute("CREATE TABLE IF NOT EXISTS enrollment_group ("
                        + " enrollment_group_id TEXT PRIMARY KEY, record TEXT NOT NULL)");
                statement.execute("CREATE TABLE IF NOT EXISTS registration_state ("
                        + " registration_id TEXT PRIMARY KEY, enrollment_group_id TEXT, record TEXT NOT NULL)");
                statement.execute("PRAGMA user_version = " + VERSION);
            }
            return new SqliteProvisioningStore(new LockedConnection("provisioning database", file, connection));
        } catch (IOException | SQLException e) {
            throw new StorageException("provisioning database " + file + " is unreadable (" + e.getMessage()
                    + "): move it away to start with no enrollments (devices get a new ID scope)", e);
        }
    }

    @Override
    public String idScope(Supplier<String> generate) {
        return database.inTransaction("read or create the ID scope", () -> {
            Optional<String> kept = readMeta(ID_SCOPE);
            if (kept.isPresent()) {
                return kept.get();
            }
            String created = generate.get();
            try (PreparedStatement insert = database.connection()
                    .prepareStatement("INSERT INTO meta (key, value) VALUES (?, ?)")) {
                insert.setString(1, ID_SCOPE);
                insert.setString(2, created);
                insert.executeUpdate();
            }
            return created;
        });
    }

    private Optional<String> readMeta(String key) throws SQLException {
        try (PreparedStatement select = database.connection().prepareStatement("SELECT value FROM meta WHERE key = ?")) {
            select.setString(1, key);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
            }
        }
    }

    private static final Table<IndividualEnrollment> INDIVIDUAL = new Table<>("individual_enrollment",
            "registration_id", IndividualEnrollment.class, "individual enrollment");
    private static final Table<EnrollmentGroup> GROUP = new Table<>("enrollment_group", "enrollment_group_id",
            EnrollmentGroup.class, "enrollment group");
    private static final Table<RegistrationState> REGISTRATION = new Table<>("registration_state", "registration_id",
            RegistrationState.class, "registration state");

    @Override
    public Optional<IndividualEnrollment> individualEnrollment(String registrationId) {
        return find(INDIVIDUAL, registrationId);
    }

    @Override
    public List<IndividualEnrollment> individualEnrollments() {
        return list(INDIVIDUAL);
    }

    @Override
    public IndividualEnrollment updateIndividualEnrollment(String registrationId,
            Function<Optional<IndividualEnrollment>, IndividualEnrollment> change) {
        return update(INDIVIDUAL, registrationId, change, null);
    }

    @Override
    public boolean deleteIndividualEnrollment(String registrationId, Consumer<IndividualEnrollment> check) {
        return delete(INDIVIDUAL, registrationId, check);
    }

    @Override
    public Optional<EnrollmentGroup> enrollmentGroup(String enrollmentGroupId) {
        return find(GROUP, enrollmentGroupId);
    }

    @Override
    public List<EnrollmentGroup> enrollmentGroups() {
        return list(GROUP);
    }

    @Override
    public EnrollmentGroup updateEnrollmentGroup(String enrollmentGroupId,
            Function<Optional<EnrollmentGroup>, EnrollmentGroup> change) {
        return update(GROUP, enrollmentGroupId, change, null);
    }

    @Override
    public boolean deleteEnrollmentGroup(String enrollmentGroupId, Consumer<EnrollmentGroup> check) {
        return delete(GROUP, enrollmentGroupId, check);
    }

    @Override
    public Optional<RegistrationState> registrationState(String registrationId) {
        return find(REGISTRATION, registrationId);
    }

    @Override
    public List<RegistrationState> registrationStates() {
        return list(REGISTRATION);
    }

    @Override
    public RegistrationState updateRegistrationState(String registrationId,
            Function<Optional<RegistrationState>, RegistrationState> change) {
        return update(REGISTRATION, registrationId, change, RegistrationState::enrollmentGroupId);
    }

    @Override
    public boolean deleteRegistrationState(String registrationId, Consumer<RegistrationState> check) {
        return delete(REGISTRATION, registrationId, check);
    }

    @Override
    public void close() {
        database.close();
    }

    /** A table of JSON records keyed by one id. */
    private record Table<T>(String name, String key, Class<T> type, String what) {
    }

    private <T> Optional<T> find(Table<T> table, String id) {
        return database.withLock("read " + table.what() + " " + id, () -> read(table, id));
    }

    private <T> Optional<T> read(Table<T> table, String id) throws SQLException {
        try (PreparedStatement select = database.connection().prepareStatement(
                "SELECT record FROM " + table.name() + " WHERE " + table.key() + " = ?")) {
            select.setString(1, id);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(decode(table, rows.getString(1))) : Optional.empty();
            }
        }
    }

    private <T> List<T> list(Table<T> table) {
        return database.withLock("list " + table.what() + "s", () -> {
            List<T> records = new ArrayList<>();
            try (Statement select = database.connection().createStatement();
                 ResultSet rows = select.executeQuery("SELECT record FROM " + table.name() + " ORDER BY "
                         + table.key())) {
                while (rows.next()) {
                    records.add(decode(table, rows.getString(1)));
                }
            }
            return records;
        });
    }

    private <T> T update(Table<T> table, String id, Function<Optional<T>, T> change, Function<T, String> groupOf) {
        return database.inTransaction("write " + table.what() + " " + id, () -> {
            T changed = change.apply(read(table, id));
            String sql = groupOf == null
                    ? "INSERT OR REPLACE INTO " + table.name() + " (" + table.key() + ", record) VALUES (?, ?)"
                    : "INSERT OR REPLACE INTO " + table.name() + " (" + table.key()
                            + ", record, enrollment_group_id) VALUES (?, ?, ?)";
            try (PreparedStatement write = database.connection().prepareStatement(sql)) {
                write.setString(1, id);
                write.setString(2, GSON.toJson(changed, table.type()));
                if (groupOf != null) {
                    write.setString(3, groupOf.apply(changed));
                }
                write.executeUpdate();
            }
            return changed;
        });
    }

    private <T> boolean delete(Table<T> table, String id, Consumer<T> check) {
        return database.inTransaction("delete " + table.what() + " " + id, () -> {
            Optional<T> current = read(table, id);
            if (current.isEmpty()) {
                return false;
            }
            check.accept(current.get());
            try (PreparedStatement delete = database.connection().prepareStatement(
                    "DELETE FROM " + table.name() + " WHERE " + table.key() + " = ?")) {
                delete.setString(1, id);
                delete.executeUpdate();
            }
            return true;
        });
    }

    private <T> T decode(Table<T> table, String json) {
        try {
            return GSON.fromJson(json, table.type());
        } catch (JsonParseException | IllegalArgumentException e) {
            throw new StorageException("provisioning database " + database.file() + ": a stored " + table.what()
                    + " is unreadable (" + e.getMessage() + ")", e);
        }
    }

    /** Instants as ISO-8601 text, readable in the file. */
    private static final class InstantAdapter extends TypeAdapter<Instant> {
        @Override
        public void write(JsonWriter out, Instant value) throws IOException {
            out.value(value.toString());
        }

        @Override
        public Instant read(JsonReader in) throws IOException {
            if (in.peek() == JsonToken.NULL) {
                in.nextNull();
                return null;
            }
            return Instant.parse(in.nextString());
        }
    }
}
