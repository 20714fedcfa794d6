package io.github.iothubquickstart.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ExitStatusTest {

    @Test
    void codesAreTheDocumentedOnes() {
        assertThat(Arrays.stream(ExitStatus.values()).mapToInt(ExitStatus::code))
                .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(ExitStatus.BAD_INPUT.code()).isEqualTo(2);
        assertThat(ExitStatus.HUB_UNREACHABLE.code()).isEqualTo(7);
    }
}
