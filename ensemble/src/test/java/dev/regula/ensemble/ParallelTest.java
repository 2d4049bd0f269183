package dev.regula.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ParallelTest {
    @Test
    void valuesComeBackInTaskOrder() throws Exception {
        List<Integer> out = Parallel.map(200, i -> {
            // Uneven work, so tasks finish out of order on more than one core.
            long spin = (200 - i) * 2000L;
            long acc = 0;
            for (long k = 0; k < spin; k++) {
                acc += k % 7;
            }
            return acc >= 0 ? i * i : -1;
        });
        assertThat(out).containsExactlyElementsOf(IntStream.range(0, 200).map(i -> i * i).boxed().toList());
    }

    @Test
    void theFirstFailureInTaskOrderIsThrownAsALoopWould() {
        assertThatThrownBy(() -> Parallel.map(50, i -> {
            if (i == 40) {
                throw new IllegalStateException("late");
            }
            if (i == 7) {
                throw new EnsembleException("task 7");
            }
            return i;
        })).isInstanceOf(EnsembleException.class).hasMessage("task 7");
    }
}
