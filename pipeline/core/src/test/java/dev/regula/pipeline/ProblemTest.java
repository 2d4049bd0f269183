package dev.regula.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.regula.transfer.data.DatasetException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProblemTest {
    private static String flag(OptionName o) {
        return "--" + o.key().replace('_', '-');
    }

    @Test
    void anOptionsProblemIsRenderedInTheFrontEndsSpellingAndNeutrallyByDefault() {
        RegulaException e = new RegulaException(Problem.about(OptionName.TOP_K, "give ", OptionName.MEMBERS, " or ",
                OptionName.TOP_K, ", not both"));
        assertThat(e.render(ProblemTest::flag)).isEqualTo("--top-k: give --members or --top-k, not both");
        assertThat(e.getMessage()).isEqualTo("top_k: give members or top_k, not both");
        assertThat(e.problem().option()).isEqualTo(OptionName.TOP_K);
    }

    @Test
    void anOptionWithItsKeyPathNamesBoth() {
        Problem p = Problem.about(OptionName.SOUP, "'x' is not a member").withKeyPath("ensemble.soup.of[1]");
        assertThat(p.render(ProblemTest::flag)).isEqualTo("--soup (ensemble.soup.of[1]): 'x' is not a member");
        assertThat(p.keyPath()).isEqualTo("ensemble.soup.of[1]");
    }

    @Test
    void aSpecProblemStartsWithFileLineAndKey() {
        Problem p = Problem.at(Path.of("spec.yaml"), "heads[0].kind", "expected linear or mlp, got 'x'")
                .withExpected("linear or mlp", "x");
        assertThat(p.render(ProblemTest::flag)).isEqualTo("spec.yaml: heads[0].kind: expected linear or mlp, got 'x'");
        assertThat(p.withFile(Path.of("data.csv"), 7).render(ProblemTest::flag))
                .isEqualTo("data.csv:7: heads[0].kind: expected linear or mlp, got 'x'");
        assertThat(p.expected()).isEqualTo("linear or mlp");
        assertThat(p.found()).isEqualTo("x");
        assertThat(Problem.of("plain words").render(ProblemTest::flag)).isEqualTo("plain words");
        assertThat(Problem.atKey("backbone", "no such file").render(ProblemTest::flag)).isEqualTo("backbone: no such file");
    }

    @Test
    void aSubjectLearnsItsWordsLater() {
        Problem subject = Problem.about(OptionName.HEADS);
        assertThat(subject.says("folder not found: ", "x").render(ProblemTest::flag)).isEqualTo("--heads: folder not found: x");
        assertThat(subject.text()).isEmpty();
    }

    @Test
    void aWrappedTransferFailureKeepsItsFileAndLineAsData() {
        DatasetException d = new DatasetException(Path.of("d.csv"), 3, "label", "empty label");
        RegulaException e = RegulaException.wrap(d);
        assertThat(e.getMessage()).isEqualTo("d.csv:3: empty label");
        assertThat(e.problem().file()).isEqualTo(Path.of("d.csv"));
        assertThat(e.problem().line()).isEqualTo(3);
        assertThat(e.getCause()).isSameAs(d);
        assertThat(RegulaException.wrap(OptionName.DATA, d).render(ProblemTest::flag)).isEqualTo("--data: d.csv:3: empty label");
        assertThat(RegulaException.wrap(new java.io.IOException("disk full")).getMessage()).isEqualTo("disk full");
    }

    @Test
    void textPartsAreStringsAndOptionsOnly() {
        assertThatThrownBy(() -> new Problem(null, null, null, 0, null, null, List.of(42)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.lang.Integer");
        assertThatThrownBy(() -> new Problem(null, null, null, -1, null, null, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
