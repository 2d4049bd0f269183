package dev.regula.transfer.data;

import dev.regula.models.Hashing;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The real corpus (shared/datasets/spamassassin, see its SOURCE.md) loads and splits. */
class SpamAssassinTest {
    /** Looks for shared/datasets/... above the working directory, or at -Dregula.spamassassin. */
    static Path corpus() {
        String prop = System.getProperty("regula.spamassassin");
        if (prop != null) {
            return Path.of(prop);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path f = p.resolve("shared/datasets/spamassassin/spamassassin.jsonl.gz");
            if (Files.isRegularFile(f)) {
                return f;
            }
        }
        return null;
    }

    @Test
    void loadsAndSplits() throws Exception {
        Path f = corpus();
        Assumptions.assumeTrue(f != null, "SpamAssassin corpus not found above " + Path.of("").toAbsolutePath());
        Dataset d = DatasetReader.read(DatasetSpec.of(f, DatasetFormat.guess(f)).withGroupField("group"));
        assertThat(d.size()).isEqualTo(4837);
        assertThat(d.classCounts()).containsEntry("ham", 3320).containsEntry("spam", 1517).hasSize(2);
        assertThat(d.examples()).allSatisfy(e -> assertThat(e.text()).isNotNull());
        assertThat(d.examples()).extracting(Example::group).containsOnly("easy-ham-1", "easy-ham-2", "hard-ham-1", "spam-1", "spam-2");
        assertThat(d.sha256()).isEqualTo(Hashing.sha256(f));

        Splits s = Splitter.split(d, SplitSpec.stratified(SplitFractions.DEFAULT, 2026));
        assertThat(s.train().size() + s.val().size() + s.test().size()).isEqualTo(4837);
        assertThat(s.counts("test")).containsExactly(498, 228);
    }
}
