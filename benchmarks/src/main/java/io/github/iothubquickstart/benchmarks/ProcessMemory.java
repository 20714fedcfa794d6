package io.github.iothubquickstart.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server process's memory (resident set from /proc; for a JVM, its live heap after a full GC by jcmd) and CPU time.
 */
final class ProcessMemory {
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
    private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");
    private static final Pattern CPUS = Pattern.compile("Cpus_allowed_list:\\s+(\\S+)");
    private static final long JCMD_TIMEOUT_SECONDS = 60;
    /** USER_HZ: 100 on every Linux this runs on. */
    private static final int CLOCK_TICKS_PER_SECOND = 100;

    /** Bytes; {@code heapBytes} is -1 when not a JVM or not readable. */
    record Sample(long heapBytes, long residentBytes) {
    }

    private ProcessMemory() {
    }

    static Sample sample(long pid, boolean jvm) {
        long heap = -1;
        if (jvm) {
            jcmd(pid, "GC.run");
            Matcher used = HEAP_USED.matcher(jcmd(pid, "GC.heap_info"));
            heap = used.find() ? Long.parseLong(used.group(1)) * 1024 : -1;
        }
        return new Sample(heap, resident(pid));
    }

    /** CPU time (user + system) the process has used so far, in seconds; NaN when unreadable. */
    static double cpuSeconds(long pid) {
        return cpuTime(pid).seconds();
    }

    /** CPU time the process has used so far, in user space and in the kernel on its behalf; NaN when unreadable. */
    static CpuTime cpuTime(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name, which is in parentheses and may hold spaces: utime is 14th, stime 15th.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new CpuTime(Long.parseLong(fields[11]) / (double) CLOCK_TICKS_PER_SECOND,
                    Long.parseLong(fields[12]) / (double) CLOCK_TICKS_PER_SECOND);
        } catch (IOException | RuntimeException e) {
            return new CpuTime(Double.NaN, Double.NaN);
        }
    }

    /** CPU seconds in user space and in the kernel; subtract two readings for what a period used. */
    record CpuTime(double userSeconds, double kernelSeconds) {
        double seconds() {
            return userSeconds + kernelSeconds;
        }

        CpuTime since(CpuTime earlier) {
            return new CpuTime(userSeconds - earlier.userSeconds, kernelSeconds - earlier.kernelSeconds);
        }
    }

    /** "RSS 304 MB": the process's resident memory now, for a result row; "-" without a pid or when unreadable. */
    static String residentColumn(OptionalLong pid) {
        long bytes = pid.isPresent() ? resident(pid.getAsLong()) : -1;
        return bytes < 0 ? "-" : String.format("RSS %,d MB", Math.round(bytes / 1048576.0));
    }

    /** The CPUs the process may run on, as Linux lists them ("0-1", "1"); "?" when unreadable. */
    static String cpus(long pid) {
        try {
            Matcher cpus = CPUS.matcher(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
            return cpus.find() ? cpus.group(1) : "?";
        } catch (IOException e) {
            return "?";
        }
    }

    /** VmRSS in bytes; -1 when unreadable. */
    static long resident(long pid) {
        try {
            Matcher rss = RSS.matcher(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
            return rss.find() ? Long.parseLong(rss.group(1)) * 1024 : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    /** The JVM's live objects by class (jcmd GC.class_histogram, after a full GC): what the heap per device is made of. */
    static String classHistogram(long pid) {
        return jcmd(pid, "GC.class_histogram");
    }

    private static String jcmd(long pid, String command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process process = new ProcessBuilder(List.of(jcmd.toString(), Long.toString(pid), command))
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(JCMD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            return output;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
