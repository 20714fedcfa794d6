// The test really ran and passed, and on the user's JUnit (expected: set per project in the invoker's
// scriptVariables, local-hub-junit5/pom.xml), not on the one local-hub-junit5 is built with.
def expected = junit5OldestVersion
def report = new File(basedir, 'target/surefire-reports/TEST-com.example.DeviceControlTest.xml')
assert report.isFile() : "no test report: the test did not run"
def xml = report.text
def suite = (xml =~ /<testsuite [^>]*>/)[0]
['tests': '1', 'failures': '0', 'errors': '0', 'skipped': '0'].each { name, value ->
    assert suite.contains(" ${name}=\"${value}\"") : "expected ${name}=${value} in ${suite}"
}
def classPath = (xml =~ /<property name="surefire.test.class.path" value="([^"]*)"/)[0][1]
['junit-jupiter-api', 'junit-jupiter-engine'].each { artifact ->
    def jars = classPath.split(File.pathSeparator).collect { new File(it).name }.findAll { it ==~ /${artifact}-\d.*\.jar/ }
    assert jars == ["${artifact}-${expected}.jar".toString()] : "expected ${artifact}-${expected}.jar on the test class path, found ${jars}"
}
return true
