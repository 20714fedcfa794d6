// The test really ran and passed, on the JUnit and Azure SDKs this project declares, not on the ones local-hub-junit5
// is built with. The versions come from the invoker's scriptVariables (local-hub-junit5/pom.xml).
def expected = ['junit-jupiter-api': junit5OldestVersion, 'junit-jupiter-engine': junit5OldestVersion,
                'iot-device-client': deviceSdkVersion, 'iot-service-client': serviceSdkVersion]
def report = new File(basedir, 'target/surefire-reports/TEST-com.example.DeviceControlTest.xml')
assert report.isFile() : "no test report: the test did not run"
def xml = report.text
def suite = (xml =~ /<testsuite [^>]*>/)[0]
['tests': '1', 'failures': '0', 'errors': '0', 'skipped': '0'].each { name, value ->
    assert suite.contains(" ${name}=\"${value}\"") : "expected ${name}=${value} in ${suite}"
}
def jars = (xml =~ /<property name="surefire.test.class.path" value="([^"]*)"/)[0][1]
        .split(File.pathSeparator).collect { new File(it).name }
expected.each { artifact, version ->
    def found = jars.findAll { it ==~ /${artifact}-\d.*\.jar/ }
    assert found == ["${artifact}-${version}.jar".toString()] : "expected ${artifact}-${version}.jar on the test class path, found ${found}"
}
return true
