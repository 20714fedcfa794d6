package io.github.iothubquickstart.localhub.storage;

import io.github.iothubquickstart.localhub.importexport.ImportExportJob;
import io.github.iothubquickstart.localhub.importexport.ImportExportJobStore;
import io.github.iothubquickstart.localhub.importexport.JobRequest;
import io.github.iothubquickstart.localhub.importexport.JobStatus;
import io.github.iothubquickstart.localhub.importexport.JobType;
import io.github.iothubquickstart.localhub.importexport.StorageAuthentication;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Import and export jobs in {@code import-export-jobs.db} (owner-only: the container URIs carry SAS tokens), one row
 * per job, each change written before it is reported. One connection, used under this object's lock.
 */
public final class SqliteImportExportJobStore implements ImportExportJobStore, AutoCloseable {
    private static final String COLUMNS = "job_id, type, status, progress, input_uri, output_uri, input_blob,"
            + " output_blob, exclude_keys, storage_authentication, user_assigned_identity, failure_reason,"
            + " created_millis, start_millis, end_millis, include_configurations, configurations_blob";

    private final Path file;
    private final Connection connection;

    private SqliteImportExportJobStore(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    public static SqliteImportExportJobStore open(Path file) {
        try {
            Connection connection = SqliteFiles.openOwnerOnly(file);
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA journal_mode=WAL");
                statement.execute("CREATE TABLE IF NOT EXISTS job (job_id TEXT PRIMARY KEY, type TEXT NOT NULL,"
                        + " status TEXT NOT NULL, progress INTEGER NOT NULL, input_uri TEXT, output_uri TEXT,"
                        + " input_blob TEXT, output_blob TEXT, exclude_keys INTEGER NOT NULL,"
                        + " storage_authentication TEXT NOT NULL, user_assigned_identity TEXT, failure_reason TEXT,"
                        + " created_millis INTEGER NOT NULL, start_millis INTEGER, end_millis INTEGER,"
                        + " include_configurations INTEGER NOT NULL DEFAULT 0, configurations_blob TEXT)");
                addConfigurationColumns(statement);
            }
            return new SqliteImportExportJobStore(file, connection);
        } catch (IOException | SQLException e) {
            throw new StorageException("import/export job store " + file + " is unreadable (" + e.getMessage()
                    + "): delete it to forget the hub's import and export jobs", e);
        }
    }

    /** A file from before includeConfigurations: its jobs had none. */
    private static void addConfigurationColumns(Statement statement) throws SQLException {
        boolean present;
        try (ResultSet columns = statement.executeQuery("SELECT 1 FROM pragma_table_info('job')"
                + " WHERE name = 'include_configurations'")) {
            present = columns.next();
        }
        if (!present) {
            statement.execute("ALTER TABLE job ADD COLUMN include_configurations INTEGER NOT NULL DEFAULT 0");
            statement.execute("ALTER TABLE job ADD COLUMN configurations_blob TEXT");
        }
    }

    @Override
    public synchronized void save(ImportExportJob job) {
        try (PreparedStatement statement = connection.prepareStatement("INSERT OR REPLACE INTO job (" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            JobRequest request = job.request();
            statement.setString(1, job.jobId());
            statement.setString(2, job.type().wireName());
            statement.setString(3, job.status().wireName());
            statement.setInt(4, job.progress());
            statement.setString(5, request.inputBlobContainerUri());
            statement.setString(6, request.outputBlobContainerUri());
            statement.setString(7, request.inputBlobName());
            statement.setString(8, request.outputBlobName());
            statement.setInt(9, request.excludeKeysInExport() ? 1 : 0);
            statement.setString(10, request.storageAuthentication().wireName());
            statement.setString(11, request.userAssignedIdentity());
            statement.setString(12, job.failureReason());
            statement.setLong(13, job.createdTime().toEpochMilli());
            setMillis(statement, 14, job.startTime());
            setMillis(statement, 15, job.endTime());
            statement.setInt(16, request.includeConfigurations() ? 1 : 0);
            statement.setString(17, request.configurationsBlobName());
            statement.executeUpdate();
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    @Override
    public synchronized Optional<ImportExportJob> find(String jobId) {
        try (PreparedStatement statement = connection.prepareStatement("SELECT " + COLUMNS
                + " FROM job WHERE job_id = ?")) {
            statement.setString(1, jobId);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Optional.of(job(rows)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    @Override
    public synchronized List<ImportExportJob> list() {
        List<ImportExportJob> jobs = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT " + COLUMNS
                     + " FROM job ORDER BY created_millis DESC, job_id")) {
            while (rows.next()) {
                jobs.add(job(rows));
            }
        } catch (SQLException e) {
            throw failure(e);
        }
        return jobs;
    }

    @Override
    public synchronized int failUnfinished(String reason, Instant now) {
        try (PreparedStatement statement = connection.prepareStatement("UPDATE job SET status = ?,"
                + " failure_reason = ?, end_millis = ?, start_millis = COALESCE(start_millis, ?)"
                + " WHERE status IN (?, ?)")) {
            statement.setString(1, JobStatus.FAILED.wireName());
            statement.setString(2, reason);
            statement.setLong(3, now.toEpochMilli());
            statement.setLong(4, now.toEpochMilli());
            statement.setString(5, JobStatus.ENQUEUED.wireName());
            statement.setString(6, JobStatus.RUNNING.wireName());
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private static ImportExportJob job(ResultSet rows) throws SQLException {
        JobType type = JobType.parse(rows.getString(2)).orElseThrow(() -> new SQLException("unknown job type"));
        JobStatus status = JobStatus.parse(rows.getString(3)).orElseThrow(() -> new SQLException("unknown status"));
        StorageAuthentication authentication = StorageAuthentication.parse(rows.getString(10))
                .orElseThrow(() -> new SQLException("unknown storage authentication"));
        JobRequest request = new JobRequest(type, rows.getString(5), rows.getString(6), rows.getString(7),
                rows.getString(8), rows.getInt(9) != 0, authentication, rows.getString(11), rows.getInt(16) != 0,
                rows.getString(17));
        return new ImportExportJob(rows.getString(1), request, status, rows.getInt(4), rows.getString(12),
                Instant.ofEpochMilli(rows.getLong(13)), millis(rows, 14), millis(rows, 15));
    }

    private static void setMillis(PreparedStatement statement, int index, Instant time) throws SQLException {
        if (time == null) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setLong(index, time.toEpochMilli());
        }
    }

    private static Instant millis(ResultSet rows, int index) throws SQLException {
        long value = rows.getLong(index);
        return rows.wasNull() ? null : Instant.ofEpochMilli(value);
    }

    private StorageException failure(SQLException e) {
        return new StorageException("import/export job store " + file + " failed: " + e.getMessage(), e);
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            // closing: nothing left to keep
        }
    }
}
