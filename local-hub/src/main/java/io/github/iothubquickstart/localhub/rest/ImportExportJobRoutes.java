package io.github.iothubquickstart.localhub.rest;

import com.google.gson.JsonArray;
import io.github.iothubquickstart.localhub.auth.ServiceAuthenticator;
import io.github.iothubquickstart.localhub.importexport.ImportExportJob;
import io.github.iothubquickstart.localhub.importexport.ImportExportJobs;
import io.github.iothubquickstart.localhub.importexport.JobRequest;
import io.github.iothubquickstart.localhub.importexport.JobType;
import io.github.iothubquickstart.localhub.registry.AccessRight;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * IoT Hub's import/export job API ({@code RegistryClient.exportDevices}, {@code importDevices}, {@code getJob}; the
 * Node SDK's {@code listJobs} and {@code cancelJob}): {@code POST /jobs/create}, {@code GET /jobs},
 * {@code GET /jobs/{id}}, {@code DELETE /jobs/{id}}, each answering the job(s) as {@code JobProperties}. An export and
 * reading jobs need REGISTRY_READ, an import and cancelling REGISTRY_WRITE. Scheduled jobs ({@code /jobs/v2/...}) are
 * another API.
 */
public final class ImportExportJobRoutes {
    private static final long MAX_BODY_BYTES = 64 * 1024;

    private final ServiceAuthenticator authenticator;
    private final ImportExportJobs jobs;

    public ImportExportJobRoutes(ServiceAuthenticator authenticator, ImportExportJobs jobs) {
        this.authenticator = authenticator;
        this.jobs = jobs;
    }

    public void mountOn(Router router) {
        router.post("/jobs/create").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
                .handler(new ApiVersionCheck()).handler(this::create);
        router.get("/jobs").handler(new ApiVersionCheck()).handler(this::list);
        router.get("/jobs/:jobId").handler(new ApiVersionCheck()).handler(this::get);
        router.delete("/jobs/:jobId").handler(new ApiVersionCheck()).handler(this::cancel);
    }

    private void create(RoutingContext context) {
        authorize(context, AccessRight.REGISTRY_READ);
        JobRequest request = ImportExportJobJson.parse(context.body().asString());
        if (request.type() == JobType.IMPORT) {
            authorize(context, AccessRight.REGISTRY_WRITE);
        }
        JsonResponses.ok(context, ImportExportJobJson.toJson(jobs.create(request)), null);
    }

    private void list(RoutingContext context) {
        authorize(context, AccessRight.REGISTRY_READ);
        JsonArray array = new JsonArray();
        for (ImportExportJob job : jobs.list()) {
            array.add(ImportExportJobJson.toJson(job));
        }
        JsonResponses.ok(context, array, null);
    }

    private void get(RoutingContext context) {
        authorize(context, AccessRight.REGISTRY_READ);
        JsonResponses.ok(context, ImportExportJobJson.toJson(jobs.get(context.pathParam("jobId"))), null);
    }

    private void cancel(RoutingContext context) {
        authorize(context, AccessRight.REGISTRY_WRITE);
        JsonResponses.ok(context, ImportExportJobJson.toJson(jobs.cancel(context.pathParam("jobId"))), null);
    }

    private void authorize(RoutingContext context, AccessRight right) {
        authenticator.authorize(context.request().getHeader("Authorization"), right);
    }
}
