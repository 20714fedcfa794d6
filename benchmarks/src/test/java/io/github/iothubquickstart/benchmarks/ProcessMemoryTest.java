package io.github.iothubquickstart.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ProcessMemoryTest {
    @Test
    void residentColumnShowsTheResidentMemoryOfAGivenProcess() {
        assertThat(ProcessMemory.residentColumn(OptionalLong.of(ProcessHandle.current().pid())))
                .matches("RSS [1-9][\\d,]* MB");
    }

    @Test
    void residentColumnIsADashWithoutAPidOrForAProcessThatIsGone() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();

        assertThat(ProcessMemory.residentColumn(OptionalLong.empty())).isEqualTo("-");
        assertThat(ProcessMemory.residentColumn(OptionalLong.of(gone.pid()))).isEqualTo("-");
    }

    @Test
    void cpusListsWhereAProcessMayRun() {
        assertThat(ProcessMemory.cpus(ProcessHandle.current().pid())).matches("[\\d,-]+");
    }
}
