package io.github.iothubquickstart.localhub.cli;

import java.util.Arrays;
import java.util.Iterator;
import picocli.CommandLine;

/** {@code device create --auth}: how the new device authenticates, in the CLI's words. */
enum DeviceAuth {
    SAS("sas"), X509_SELF_SIGNED("x509-self-signed"), X509_CA("x509-ca");

    private final String option;

    DeviceAuth(String option) {
        this.option = option;
    }

    static final class Converter implements CommandLine.ITypeConverter<DeviceAuth> {
        @Override
        public DeviceAuth convert(String value) {
            return Arrays.stream(values()).filter(auth -> auth.option.equals(value)).findFirst()
                    .orElseThrow(() -> new CommandLine.TypeConversionException("'" + value + "' is not one of sas,"
                            + " x509-self-signed, x509-ca"));
        }
    }

    static final class Names implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(values()).map(auth -> auth.option).iterator();
        }
    }
}
