package io.github.iothubquickstart.localhub.eventloop;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/** How many file descriptors this process has open, and may have open ({@code ulimit -n}). */
public interface OpenDescriptors {
    /** Returned by both where the operating system does not say (Windows): nothing is then refused for want of them. */
    long UNKNOWN = -1;

    /**
     * The descriptors open now. On Linux the JDK counts the entries of {@code /proc/self/fd}, which costs more the more
     * are open: 18 ms at 19,000 (measured on the 2-core VM), so callers sample it rarely.
     */
    long open();

    /** The process's soft limit on open files. */
    long max();

    /** This process's, read from the JDK's {@link UnixOperatingSystemMXBean}. */
    static OpenDescriptors ofThisProcess() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (!(os instanceof UnixOperatingSystemMXBean unix)) {
            return new OpenDescriptors() {
                @Override
                public long open() {
                    return UNKNOWN;
                }

                @Override
                public long max() {
                    return UNKNOWN;
                }
            };
        }
        return new OpenDescriptors() {
            @Override
            public long open() {
                return unix.getOpenFileDescriptorCount();
            }

            @Override
            public long max() {
                return unix.getMaxFileDescriptorCount();
            }
        };
    }
}
