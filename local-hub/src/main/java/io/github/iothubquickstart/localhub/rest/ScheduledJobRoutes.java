package io.github.iothubquickstart.localhub.rest;

import com.google.gson.JsonArray;
import io.github.iothubquickstart.localhub.auth.ServiceAuthenticator;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.jobs.JobRequest;
import io.github.iothubquickstart.localhub.jobs.JobStatus;
import io.github.iothubquickstart.localhub.jobs.JobType;
import io.github.iothubquickstart.localhub.jobs.ScheduledJob;
import io.github.iothubquickstart.localhub.jobs.ScheduledJobs;
import io.github.iothubquickstart.localhub.query.DeviceQueries;
import io.github.iothubquickstart.localhub.registry.AccessRight;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * IoT Hub's scheduled jobs API, as {@code ScheduledJobsClient} calls it: {@code PUT /jobs/v2/{jobId}} (schedule),
 * {@code GET /jobs/v2/{jobId}}, {@code POST /jobs/v2/{jobId}/cancel} and {@code GET /jobs/v2/query?jobType=&jobStatus=}
 * (paged by {@code x-ms-max-item-count} and {@code x-ms-continuation}). A method job needs SERVICE_CONNECT, a twin
 * job REGISTRY_WRITE; reading needs REGISTRY_READ or SERVICE_CONNECT. The jobs' store is SQLite: calls run off the
 * event loop.
 */
public final class ScheduledJobRoutes {
    private static final Set<AccessRight> READ = EnumSet.of(AccessRight.REGISTRY_READ, AccessRight.SERVICE_CONNECT);
    private static final Set<AccessRight> WRITE = EnumSet.of(AccessRight.REGISTRY_WRITE, AccessRight.SERVICE_CONNECT);
    private static final long MAX_BODY_BYTES = ServiceApi.MAX_BODY_BYTES;

    private final ServiceAuthenticator authenticator;
    private final ScheduledJobs jobs;
    private final Clock clock;

    public ScheduledJobRoutes(ServiceAuthenticator authenticator, ScheduledJobs jobs, Clock clock) {
        this.authenticator = authenticator;
        this.jobs = jobs;
        this.clock = clock;
    }

    public void mountOn(Router router) {
        router.route("/jobs/v2/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
                .handler(new ApiVersionCheck());
        router.get("/jobs/v2/query").handler(this::query);
        router.put("/jobs/v2/:jobId").handler(this::create);
        router.get("/jobs/v2/:jobId").handler(this::get);
        router.post("/jobs/v2/:jobId/cancel").handler(this::cancel);
    }

    private void create(RoutingContext context) {
        authenticator.authorizeAny(authorization(context), WRITE);
        JobRequest request = JobRequestParser.parse(context.pathParam("jobId"), context.body().asString(),
                clock.instant());
        authenticator.authorize(authorization(context), request.type() == JobType.SCHEDULE_DEVICE_METHOD
                ? AccessRight.SERVICE_CONNECT : AccessRight.REGISTRY_WRITE);
        DeviceQueries.requireValidCondition(request.queryCondition());
        answerJob(context, () -> jobs.create(request));
    }

    private void get(RoutingContext context) {
        authenticator.authorizeAny(authorization(context), READ);
        String jobId = context.pathParam("jobId");
        answerJob(context, () -> jobs.get(jobId));
    }

    private void cancel(RoutingContext context) {
        authenticator.authorizeAny(authorization(context), WRITE);
        String jobId = context.pathParam("jobId");
        answerJob(context, () -> jobs.cancel(jobId));
    }

    private void query(RoutingContext context) {
        authenticator.authorizeAny(authorization(context), READ);
        JobType type = optional(context.request().getParam("jobType"), "jobType",
                name -> JobType.fromWireName(name).orElse(null));
        JobStatus status = optional(context.request().getParam("jobStatus"), "jobStatus",
                name -> JobStatus.fromWireName(name).orElse(null));
        int pageSize = pageSize(context.request().getHeader(QueryRoute.PAGE_SIZE));
        String continuation = context.request().getHeader(QueryRoute.CONTINUATION);
        Vertx.currentContext().executeBlocking(() -> {
            List<ScheduledJob> all = jobs.list(type, status);
            int from = continuation == null || continuation.isBlank() ? 0 : position(continuation, all);
            JsonArray page = new JsonArray();
            int end = Math.min(all.size(), from + pageSize);
            for (ScheduledJob job : all.subList(from, end)) {
                page.add(JobJson.job(job, jobs.statistics(job.jobId())));
            }
            return new Page(page, end < all.size() ? token(all.get(end - 1).jobId()) : null);
        }).onComplete(done -> {
            if (done.failed()) {
                context.fail(done.cause());
                return;
            }
            var response = context.response().putHeader("Content-Type", "application/json; charset=utf-8");
            if (done.result().continuation() != null) {
                response.putHeader(QueryRoute.CONTINUATION, done.result().continuation());
            }
            response.end(done.result().jobs().toString());
        });
    }

    private record Page(JsonArray jobs, String continuation) {
    }

    private void answerJob(RoutingContext context, Callable<ScheduledJob> work) {
        Vertx.currentContext().executeBlocking(() -> {
            ScheduledJob job = work.call();
            return JobJson.job(job, jobs.statistics(job.jobId()));
        }).onComplete(done -> {
            if (done.failed()) {
                context.fail(done.cause());
                return;
            }
            JsonResponses.ok(context, done.result(), null);
        });
    }

    /** The continuation token: the id of the last job sent, opaque. */
    private static String token(String lastJobId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(lastJobId.getBytes(StandardCharsets.UTF_8));
    }

    private static int position(String token, List<ScheduledJob> jobs) {
        String lastJobId;
        try {
            lastJobId = new String(Base64.getUrlDecoder().decode(token.trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw badToken();
        }
        for (int i = 0; i < jobs.size(); i++) {
            if (jobs.get(i).jobId().equals(lastJobId)) {
                return i + 1;
            }
        }
        throw badToken();
    }

    private static RuntimeException badToken() {
        return IotHubErrors.argumentInvalid("The x-ms-continuation token is not one this job query sent; send the"
                + " previous page's token, or none to start again.");
    }

    private static <T> T optional(String value, String name, java.util.function.Function<String, T> parse) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        T parsed = parse.apply(value);
        if (parsed == null) {
            throw IotHubErrors.argumentInvalid(name + " '" + value + "' is not known; jobType is scheduleDeviceMethod"
                    + " or scheduleUpdateTwin, jobStatus one of queued, scheduled, running, completed, failed,"
                    + " cancelled.");
        }
        return parsed;
    }

    private static int pageSize(String header) {
        if (header == null || header.isBlank()) {
            return DeviceQueries.MAX_PAGE_SIZE;
        }
        try {
            int size = Integer.parseInt(header.trim());
            if (size >= 1) {
                return Math.min(size, DeviceQueries.MAX_PAGE_SIZE);
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw IotHubErrors.argumentInvalid(QueryRoute.PAGE_SIZE + " must be a whole number from 1 to "
                + DeviceQueries.MAX_PAGE_SIZE + ".");
    }

    private static String authorization(RoutingContext context) {
        return context.request().getHeader("Authorization");
    }
}
