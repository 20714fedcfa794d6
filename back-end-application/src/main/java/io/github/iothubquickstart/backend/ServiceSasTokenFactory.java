package io.github.iothubquickstart.backend;

import io.github.iothubquickstart.common.ServiceConnectionString;
import io.github.iothubquickstart.localhubclient.PolicyKey;
import io.github.iothubquickstart.localhubclient.ServiceSasToken;
import java.time.Clock;
import java.time.Duration;

/**
 * Shared access signatures for the service policy of a connection string, valid from now for a given time, in the
 * same form as the service SDK's own ({@link ServiceSasToken}).
 */
public final class ServiceSasTokenFactory {

    /** Long enough for any single CLI call. */
    public static final Duration DEFAULT_VALIDITY = Duration.ofHours(1);

    private final Clock clock;

    public ServiceSasTokenFactory(Clock clock) {
        this.clock = clock;
    }

    public String create(ServiceConnectionString connectionString, Duration validity) {
        return ServiceSasToken.create(connectionString.hostName(),
                new PolicyKey(connectionString.sharedAccessKeyName(), connectionString.sharedAccessKey()),
                clock.instant().plus(validity));
    }
}
