package io.github.iothubquickstart.localhub.rest;

import io.github.iothubquickstart.localhub.blobs.BlobError;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerRequest;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Streams a request body into a file, never holding more than the file's write queue in memory, with the body's MD5
 * computed on the way and a size limit (413 RequestBodyTooLarge once the body passes it).
 */
final class RequestBodyToFile {

    /** What was written: the body's size and its MD5, base64. */
    record Written(long size, String md5) {
    }

    private RequestBodyToFile() {
    }

    static Future<Written> stream(Vertx vertx, HttpServerRequest request, Path file, long maxBytes) {
        Promise<Written> done = Promise.promise();
        MessageDigest md5 = md5();
        long[] received = {0};
        request.pause();
        vertx.fileSystem().open(file.toString(), new OpenOptions().setWrite(true).setCreate(false))
                .onFailure(failure -> {
                    request.resume();
                    done.tryFail(failure);
                })
                .onSuccess(out -> {
                    request.handler(chunk -> {
                        if (done.future().isComplete()) {
                            return;
                        }
                        received[0] += chunk.length();
                        if (received[0] > maxBytes) {
                            out.close();
                            done.tryFail(BlobError.tooLarge(maxBytes));
                            return;
                        }
                        md5.update(chunk.getBytes());
                        write(out, chunk, request);
                    });
                    request.exceptionHandler(failure -> {
                        out.close();
                        done.tryFail(failure);
                    });
                    request.endHandler(ignored -> out.close().onComplete(closed -> {
                        if (closed.failed()) {
                            done.tryFail(closed.cause());
                        } else {
                            done.tryComplete(new Written(received[0], Base64.getEncoder().encodeToString(md5.digest())));
                        }
                    }));
                    request.resume();
                });
        return done.future();
    }

    /** Reads a small body (a block list) whole, refusing one past {@code maxBytes}. */
    static Future<Buffer> small(HttpServerRequest request, long maxBytes) {
        Promise<Buffer> done = Promise.promise();
        Buffer body = Buffer.buffer();
        request.handler(chunk -> {
            if (body.length() + chunk.length() > maxBytes) {
                done.tryFail(BlobError.tooLarge(maxBytes));
                return;
            }
            body.appendBuffer(chunk);
        });
        request.exceptionHandler(done::tryFail);
        request.endHandler(ignored -> done.tryComplete(body));
        request.resume();
        return done.future();
    }

    private static void write(AsyncFile out, Buffer chunk, HttpServerRequest request) {
        out.write(chunk);
        if (out.writeQueueFull()) {
            request.pause();
            out.drainHandler(ignored -> request.resume());
        }
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is missing from this JDK", e);
        }
    }
}
