package io.github.iothubquickstart.localhub.fileupload;

import io.github.iothubquickstart.localhub.cloudtodevice.ServiceBoundStore;

/** Where file upload notifications wait for a back-end, so that they survive a restart of the hub. */
public interface FileUploadNotificationStore extends ServiceBoundStore<FileUploadNotification>, AutoCloseable {

    /** Stores the notification; it is on disk when this returns. */
    void add(FileUploadNotification notification);

    @Override
    void close();
}
