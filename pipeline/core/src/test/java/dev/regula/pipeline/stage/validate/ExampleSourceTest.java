package dev.regula.pipeline.stage.validate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regula.pipeline.Problem;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A holdout row's problem names its data file and line as data, read from the example's FILE:LINE source. */
class ExampleSourceTest {
    @Test
    void aFileAndLineSourceBecomesData() {
        Problem p = ValidateStep.at("/data/holdout.jsonl:12", "label 'eggs' is not one of the model's classes [ham, spam]")
                .withExpected("one of [ham, spam]", "eggs");
        assertThat(p.file()).isEqualTo(Path.of("/data/holdout.jsonl"));
        assertThat(p.line()).isEqualTo(12);
        assertThat(p.found()).isEqualTo("eggs");
        assertThat(p.render(Problem::neutral))
                .isEqualTo("/data/holdout.jsonl:12: label 'eggs' is not one of the model's classes [ham, spam]");
    }

    @Test
    void anyOtherSourceStaysWords() {
        Problem p = ValidateStep.at("row seven", "bad");
        assertThat(p.file()).isNull();
        assertThat(p.render(Problem::neutral)).isEqualTo("row seven: bad");
        assertThat(ValidateStep.at("C:notanumber", "bad").file()).isNull();
    }
}
