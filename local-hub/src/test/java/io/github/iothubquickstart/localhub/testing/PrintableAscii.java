package io.github.iothubquickstart.localhub.testing;

/** Printable US-ASCII checks for the fuzz targets: a loop, not a regex compiled on each of a million executions. */
public final class PrintableAscii {
    private PrintableAscii() {
    }

    /** Every character in {@code 0x20..0x7e} (space included). */
    public static boolean is(String text) {
        return text.chars().allMatch(c -> c >= 0x20 && c <= 0x7e);
    }
}
