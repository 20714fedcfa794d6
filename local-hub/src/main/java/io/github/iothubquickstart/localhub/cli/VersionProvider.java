package io.github.iothubquickstart.localhub.cli;

import picocli.CommandLine;

/** The version Maven wrote into the jar's manifest. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = LocalHubCli.class.getPackage().getImplementationVersion();
        return new String[] {"local-hub " + (version == null ? "(development build)" : version)};
    }
}
