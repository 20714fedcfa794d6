package io.github.iothubquickstart.localhub.storage;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonParser;
import io.github.iothubquickstart.localhub.jobs.DeviceJob;
import io.github.iothubquickstart.localhub.jobs.DeviceMethodResponse;
import io.github.iothubquickstart.localhub.jobs.JobMethod;
import io.github.iothubquickstart.localhub.jobs.JobRequest;
import io.github.iothubquickstart.localhub.jobs.JobStatus;
import io.github.iothubquickstart.localhub.jobs.JobStore;
import io.github.iothubquickstart.localhub.jobs.JobType;
import io.github.iothubquickstart.localhub.jobs.ScheduledJob;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Scheduled jobs and their per-device records in {@code jobs.db}. Every write is one committed transaction with
 * {@code synchronous=FULL}: a job acknowledged to its caller, and each device's outcome, survive a crash.
 */
public final class SqliteJobStore implements JobStore {
    private static final String JOB_COLUMNS = "job_id, type, query_condition, start_time, max_seconds, method_name,"
            + " method_payload, response_timeout, connect_timeout, twin_patch, status, created_time, end_time,"
            + " failure_reason";
    private static final String DEVICE_COLUMNS = "job_id, device_id, type, status, created_time, start_time,"
            + " end_time, updated_time, response_status, response_payload, error_code, error_description";

    private final LockedConnection connection;

    private SqliteJobStore(LockedConnection connection) {
        this.connection = connection;
    }

    public static SqliteJobStore open(Path file) {
        try {
            Connection connection = SqliteFiles.openOwnerOnly(file);
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA journal_mode=WAL");
                statement.execute("PRAGMA synchronous=FULL");
                statement.execute("CREATE TABLE IF NOT EXISTS job (seq INTEGER PRIMARY KEY AUTOINCREMENT,"
                        + " job_id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, query_condition TEXT NOT NULL,"
                        + " start_time INTEGER NOT NULL, max_seconds INTEGER NOT NULL, method_name TEXT,"
                        + " method_payload TEXT, response_timeout INTEGER, connect_timeout INTEGER, twin_patch TEXT,"
                        + " status TEXT NOT NULL, created_time INTEGER NOT NULL, end_time INTEGER,"
                        + " failure_reason TEXT)");
                statement.execute("CREATE TABLE IF NOT EXISTS device_job (job_id TEXT NOT NULL,"
                        + " device_id TEXT NOT NULL, type TEXT NOT NULL, status TEXT NOT NULL,"
                        + " created_time INTEGER NOT NULL, start_time INTEGER NOT NULL, end_time INTEGER,"
                        + " updated_time INTEGER NOT NULL, response_status INTEGER, response_payload TEXT,"
                        + " error_code TEXT, error_description TEXT, PRIMARY KEY (job_id, device_id))");
            }
            return new SqliteJobStore(new LockedConnection("jobs database", file, connection));
        } catch (IOException | SQLException e) {
            throw new StorageException("jobs database " + file + " is unreadable (" + e.getMessage()
                    + "): move it aside to start without the jobs it holds", e);
        }
    }

    @Override
    public boolean insert(ScheduledJob job) {
        return connection.inTransaction("store job " + job.jobId(), () -> {
            try (PreparedStatement exists = connection.connection().prepareStatement(
                    "SELECT 1 FROM job WHERE job_id = ?")) {
                exists.setString(1, job.jobId());
                try (ResultSet rows = exists.executeQuery()) {
                    if (rows.next()) {
                        return false;
                    }
                }
            }
            try (PreparedStatement insert = connection.connection().prepareStatement(
                    "INSERT INTO job (" + JOB_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                bindJob(insert, job);
                insert.executeUpdate();
            }
            return true;
        });
    }

    @Override
    public void update(ScheduledJob job) {
        connection.inTransaction("update job " + job.jobId(), () -> {
            updateJob(job);
            return null;
        });
    }

    @Override
    public Optional<ScheduledJob> find(String jobId) {
        return connection.withLock("read job " + jobId, () -> {
            try (PreparedStatement select = connection.connection().prepareStatement(
                    "SELECT " + JOB_COLUMNS + " FROM job WHERE job_id = ?")) {
                select.setString(1, jobId);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(job(rows)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<ScheduledJob> list() {
        return connection.withLock("list jobs", () -> {
            List<ScheduledJob> jobs = new ArrayList<>();
            try (Statement select = connection.connection().createStatement();
                 ResultSet rows = select.executeQuery("SELECT " + JOB_COLUMNS + " FROM job ORDER BY seq")) {
                while (rows.next()) {
                    jobs.add(job(rows));
                }
            }
            return jobs;
        });
    }

    @Override
    public void start(ScheduledJob job, List<DeviceJob> devices) {
        connection.inTransaction("start job " + job.jobId(), () -> {
            updateJob(job);
            for (DeviceJob device : devices) {
                putDevice(device);
            }
            return null;
        });
    }

    @Override
    public void update(DeviceJob device) {
        connection.inTransaction("store the outcome of job " + device.jobId() + " on " + device.deviceId(), () -> {
            putDevice(device);
            return null;
        });
    }

    @Override
    public List<DeviceJob> deviceJobs(String jobId) {
        return connection.withLock("read the devices of job " + jobId, () -> {
            try (PreparedStatement select = connection.connection().prepareStatement(
                    "SELECT " + DEVICE_COLUMNS + " FROM device_job WHERE job_id = ? ORDER BY device_id")) {
                select.setString(1, jobId);
                try (ResultSet rows = select.executeQuery()) {
                    return devices(rows);
                }
            }
        });
    }

    @Override
    public List<DeviceJob> allDeviceJobs() {
        return connection.withLock("read the devices' jobs", () -> {
            try (Statement select = connection.connection().createStatement();
                 ResultSet rows = select.executeQuery("SELECT " + DEVICE_COLUMNS + " FROM device_job")) {
                return devices(rows);
            }
        });
    }

    @Override
    public void close() {
        connection.close();
    }

    private void updateJob(ScheduledJob job) throws SQLException {
        try (PreparedStatement update = connection.connection().prepareStatement(
                "UPDATE job SET status = ?, end_time = ?, failure_reason = ? WHERE job_id = ?")) {
            update.setString(1, job.status().name());
            setInstant(update, 2, job.endTime());
            update.setString(3, job.failureReason());
            update.setString(4, job.jobId());
            update.executeUpdate();
        }
    }

    private void putDevice(DeviceJob device) throws SQLException {
        try (PreparedStatement put = connection.connection().prepareStatement(
                "INSERT OR REPLACE INTO device_job (" + DEVICE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            put.setString(1, device.jobId());
            put.setString(2, device.deviceId());
            put.setString(3, device.type().wireName());
            put.setString(4, device.status().name());
            setInstant(put, 5, device.createdTime());
            setInstant(put, 6, device.startTime());
            setInstant(put, 7, device.endTime());
            setInstant(put, 8, device.lastUpdatedTime());
            if (device.response() == null) {
                put.setNull(9, Types.INTEGER);
                put.setNull(10, Types.VARCHAR);
            } else {
                put.setInt(9, device.response().status());
                put.setString(10, device.response().payload().toString());
            }
            put.setString(11, device.errorCode());
            put.setString(12, device.errorDescription());
            put.executeUpdate();
        }
    }

    private static void bindJob(PreparedStatement insert, ScheduledJob job) throws SQLException {
        JobRequest request = job.request();
        insert.setString(1, request.jobId());
        insert.setString(2, request.type().wireName());
        insert.setString(3, request.queryCondition());
        setInstant(insert, 4, request.startTime());
        insert.setLong(5, request.maxExecutionTime().toSeconds());
        JobMethod method = request.method();
        insert.setString(6, method == null ? null : method.methodName());
        insert.setString(7, method == null ? null : method.payload());
        if (method == null) {
            insert.setNull(8, Types.INTEGER);
            insert.setNull(9, Types.INTEGER);
        } else {
            insert.setLong(8, method.responseTimeout().toSeconds());
            insert.setLong(9, method.connectTimeout().toSeconds());
        }
        insert.setString(10, request.twinPatch() == null ? null : request.twinPatch().toString());
        insert.setString(11, job.status().name());
        setInstant(insert, 12, job.createdTime());
        setInstant(insert, 13, job.endTime());
        insert.setString(14, job.failureReason());
    }

    private static ScheduledJob job(ResultSet rows) throws SQLException {
        JobType type = JobType.fromWireName(rows.getString(2)).orElseThrow(() -> new SQLException("job type"));
        JobMethod method = rows.getString(6) == null ? null : new JobMethod(rows.getString(6), rows.getString(7),
                Duration.ofSeconds(rows.getLong(8)), Duration.ofSeconds(rows.getLong(9)));
        String twinPatch = rows.getString(10);
        JobRequest request = new JobRequest(rows.getString(1), type, rows.getString(3), instant(rows, 4),
                Duration.ofSeconds(rows.getLong(5)), method,
                twinPatch == null ? null : JsonParser.parseString(twinPatch).getAsJsonObject());
        return new ScheduledJob(request, status(rows.getString(11)), instant(rows, 12), instant(rows, 13),
                rows.getString(14));
    }

    private static List<DeviceJob> devices(ResultSet rows) throws SQLException {
        List<DeviceJob> devices = new ArrayList<>();
        while (rows.next()) {
            JobType type = JobType.fromWireName(rows.getString(3)).orElseThrow(() -> new SQLException("job type"));
            int responseStatus = rows.getInt(9);
            DeviceMethodResponse response = rows.wasNull() ? null
                    : new DeviceMethodResponse(responseStatus, payload(rows.getString(10)));
            devices.add(new DeviceJob(rows.getString(1), rows.getString(2), type, status(rows.getString(4)),
                    instant(rows, 5), instant(rows, 6), instant(rows, 7), instant(rows, 8), response,
                    rows.getString(11), rows.getString(12)));
        }
        return devices;
    }

    private static JsonElement payload(String text) {
        return text == null ? JsonNull.INSTANCE : JsonParser.parseString(text);
    }

    private static JobStatus status(String name) throws SQLException {
        return JobStatus.fromWireName(name).orElseThrow(() -> new SQLException("unknown job status " + name));
    }

    private static void setInstant(PreparedStatement statement, int index, Instant value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setLong(index, value.toEpochMilli());
        }
    }

    private static Instant instant(ResultSet rows, int index) throws SQLException {
        long millis = rows.getLong(index);
        return rows.wasNull() ? null : Instant.ofEpochMilli(millis);
    }
}
