package io.github.iothubquickstart.localhub.jobs;

import io.github.iothubquickstart.localhub.errors.IotHubError;

/** IoT Hub's answers about jobs, with its codes. */
public final class JobErrors {
    private JobErrors() {
    }

    /** IoT Hub's JobNotFound. */
    public static IotHubError notFound(String jobId) {
        return new IotHubError(404, 404002, "There is no job with id " + jobId + ".");
    }

    static IotHubError alreadyExists(String jobId) {
        return new IotHubError(409, 409, "A job with id " + jobId + " already exists; job ids are never reused.");
    }

    static IotHubError tooManyActiveJobs(int limit) {
        return new IotHubError(429, 429001, "Too many jobs: the hub runs at most " + limit + " scheduled, queued or"
                + " running jobs at once; retry when one has ended, or cancel one.");
    }
}
