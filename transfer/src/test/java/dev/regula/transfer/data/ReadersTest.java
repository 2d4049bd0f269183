package dev.regula.transfer.data;

import dev.regula.models.Hashing;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadersTest {
    @TempDir
    Path tmp;

    static Path write(Path file, String content) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    static Path writeGz(Path file, String content) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
        return file;
    }

    @Test
    void jsonlReadsFieldsAndSkipsBlankLines() throws Exception {
        Path f = write(tmp.resolve("d.jsonl"), """
                {"text": "hello", "label": "a", "g": "x", "s": "train"}

                {"text": "héllo \\"world\\"", "label": "b", "g": "y", "s": "test", "extra": 1}
                {"text": "", "label": 3, "g": "y", "s": "val"}
                """);
        Dataset d = DatasetReader.read(DatasetSpec.of(f, DatasetFormat.JSONL).withGroupField("g").withSplitField("s"));
        assertThat(d.examples()).extracting(Example::text).containsExactly("hello", "héllo \"world\"", "");
        assertThat(d.examples()).extracting(Example::label).containsExactly("a", "b", "3");
        assertThat(d.examples()).extracting(Example::group).containsExactly("x", "y", "y");
        assertThat(d.examples()).extracting(Example::splitName).containsExactly("train", "test", "val");
        assertThat(d.examples()).extracting(Example::source).containsExactly(f + ":1", f + ":3", f + ":4");
        assertThat(d.sha256()).isEqualTo(Hashing.sha256(f)).hasSize(64);
        assertThat(d.skipped().total()).isZero();
    }

    @Test
    void jsonlWithOtherFieldNames() throws Exception {
        Path f = write(tmp.resolve("d.jsonl"), "{\"body\":\"x\",\"y\":\"p\"}\n{\"body\":\"z\",\"y\":\"q\"}");
        Dataset d = DatasetReader.read(DatasetSpec.of(f, DatasetFormat.JSONL).withTextField("body").withLabelField("y"));
        assertThat(d.examples()).extracting(Example::text).containsExactly("x", "z");
        assertThat(d.classCounts()).containsEntry("p", 1).containsEntry("q", 1);
    }

    @Test
    void gzipIsReadTransparentlyAndHashedAsStored() throws Exception {
        String content = "{\"text\":\"a\",\"label\":\"x\"}\n{\"text\":\"b\",\"label\":\"y\"}\n";
        Path gz = writeGz(tmp.resolve("d.jsonl.gz"), content);
        Dataset d = DatasetReader.read(DatasetSpec.of(gz, DatasetFormat.guess(gz)));
        assertThat(d.examples()).extracting(Example::text).containsExactly("a", "b");
        assertThat(d.sha256()).isEqualTo(Hashing.sha256(Files.readAllBytes(gz)));

        Path csvGz = writeGz(tmp.resolve("d.csv.gz"), "text,label\r\n\"a,1\",x\r\nb,y\r\n");
        assertThat(DatasetFormat.guess(csvGz)).isEqualTo(DatasetFormat.CSV);
        assertThat(DatasetReader.read(DatasetSpec.of(csvGz, DatasetFormat.CSV)).examples())
                .extracting(Example::text).containsExactly("a,1", "b");
    }

    @Test
    void csvQuotingEdgeCases() throws Exception {
        String csv = "id,text,label\r\n"
                + "1,plain,a\r\n"
                + "2,\"with, comma\",b\r\n"
                + "3,\"say \"\"hi\"\"\",a\n"
                + "4,\"two\nlines\r\nhere\",b\n"
                + "\n"
                + "5,\"\",a\n"
                + "6,,b\n"
                + "7,last no newline,a";
        Path f = write(tmp.resolve("d.csv"), csv);
        Dataset d = DatasetReader.read(DatasetSpec.of(f, DatasetFormat.CSV));
        assertThat(d.examples()).extracting(Example::text)
                .containsExactly("plain", "with, comma", "say \"hi\"", "two\nlines\r\nhere", "", "", "last no newline");
        // A record's line is where it starts; quoted newlines advance the count.
        assertThat(d.examples()).extracting(Example::source).containsExactly(
                f + ":2", f + ":3", f + ":4", f + ":5", f + ":9", f + ":10", f + ":11");
    }

    @Test
    void csvWithBomAndSplitColumn() throws Exception {
        Path f = tmp.resolve("bom.csv");
        Files.write(f, ("\uFEFFtext,label,split\nx,a,train\ny,b,test\n").getBytes(StandardCharsets.UTF_8));
        Dataset d = DatasetReader.read(DatasetSpec.of(f, DatasetFormat.CSV).withSplitField("split"));
        assertThat(d.examples()).extracting(Example::splitName).containsExactly("train", "test");
    }

    @Test
    void foldersAreSortedAndSkipHiddenEntries() throws Exception {
        Path root = tmp.resolve("corpus");
        write(root.resolve("spam/2.txt"), "buy now");
        write(root.resolve("spam/1.txt"), "cheap pills");
        write(root.resolve("ham/a.eml"), "meeting at 3");
        write(root.resolve("ham/.DS_Store"), "junk");
        write(root.resolve(".hidden/x.txt"), "junk");
        write(root.resolve("README.md"), "about this corpus");
        Dataset d = DatasetReader.read(DatasetSpec.of(root, DatasetFormat.guess(root)));
        assertThat(d.examples()).extracting(Example::label).containsExactly("ham", "spam", "spam");
        assertThat(d.examples()).extracting(Example::text).containsExactly("meeting at 3", "cheap pills", "buy now");
        assertThat(d.examples().get(0).source()).isEqualTo(root.resolve("ham/a.eml") + ":1");
        String h = d.sha256();
        write(root.resolve("spam/1.txt"), "cheap pills!");
        assertThat(DatasetReader.read(DatasetSpec.of(root, DatasetFormat.FOLDERS)).sha256()).isNotEqualTo(h);
    }

    @Test
    void numericCsvAllOtherColumnsOrNamedColumns() throws Exception {
        Path f = write(tmp.resolve("n.csv"), "x1,label,x2,x3\n1.5,a,-2,3e2\n0,b,.5,+7\n");
        Dataset all = DatasetReader.read(DatasetSpec.of(f, DatasetFormat.NUMERIC_CSV));
        assertThat(all.examples().get(0).vector()).containsExactly(1.5f, -2f, 300f);
        assertThat(all.examples().get(1).vector()).containsExactly(0f, 0.5f, 7f);
        assertThat(all.examples().get(0).text()).isNull();
        Dataset named = DatasetReader.read(DatasetSpec.of(f, DatasetFormat.NUMERIC_CSV).withFeatureFields(List.of("x3", "x1")));
        assertThat(named.examples().get(0).vector()).containsExactly(300f, 1.5f);
    }

    @Test
    void numericJsonlScalarsAndArrays() throws Exception {
        Path f = write(tmp.resolve("n.jsonl"), """
                {"a": 1, "b": [2, 3.5], "label": "p"}
                {"b": [4, 5], "a": -1e-3, "label": "q"}
                """);
        Dataset d = DatasetReader.read(DatasetSpec.of(f, DatasetFormat.NUMERIC_JSONL));
        assertThat(d.examples().get(0).vector()).containsExactly(1f, 2f, 3.5f);
        assertThat(d.examples().get(1).vector()).containsExactly(-1e-3f, 4f, 5f);
        Dataset one = DatasetReader.read(DatasetSpec.of(f, DatasetFormat.NUMERIC_JSONL).withFeatureFields(List.of("b")));
        assertThat(one.examples().get(1).vector()).containsExactly(4f, 5f);
    }

    @Test
    void formatNames() {
        assertThat(DatasetFormat.parse("numeric-csv")).isEqualTo(DatasetFormat.NUMERIC_CSV);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DatasetFormat.parse("parquet"))
                .hasMessageContaining("unknown dataset format 'parquet'").hasMessageContaining("numeric-jsonl");
    }
}
