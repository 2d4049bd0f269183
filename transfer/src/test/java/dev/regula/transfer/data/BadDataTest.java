package dev.regula.transfer.data;

import static dev.regula.transfer.data.ReadersTest.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BadDataTest {
    @TempDir
    Path tmp;

    private static DatasetException fails(ThrowingCallable call) {
        return (DatasetException) org.assertj.core.api.Assertions.catchThrowableOfType(DatasetException.class, call);
    }

    private static DatasetException read(DatasetSpec spec) {
        return fails(() -> DatasetReader.read(spec));
    }

    @Test
    void invalidJsonNamesFileAndLine() throws Exception {
        Path f = write(tmp.resolve("d.jsonl"), "{\"text\":\"a\",\"label\":\"x\"}\n{\"text\": \"b\", \"label\": \n{\"text\":\"c\",\"label\":\"y\"}\n");
        DatasetException e = read(DatasetSpec.of(f, DatasetFormat.JSONL));
        assertThat(e.getMessage()).startsWith(f + ":2: invalid JSON");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.file()).isEqualTo(f);
    }

    @Test
    void missingJsonFieldNamesFieldAndFieldsPresent() throws Exception {
        Path f = write(tmp.resolve("d.jsonl"), "{\"text\":\"a\",\"label\":\"x\"}\n{\"txt\":\"b\",\"label\":\"y\"}\n");
        DatasetException e = read(DatasetSpec.of(f, DatasetFormat.JSONL));
        assertThat(e.getMessage()).startsWith(f + ":2: missing field 'text'").contains("[txt, label]");
        assertThat(e.field()).isEqualTo("text");
    }

    @Test
    void wrongTypeAndNonObjectAndDuplicateKeys() throws Exception {
        Path f = write(tmp.resolve("d.jsonl"), "{\"text\":5,\"label\":\"x\"}\n");
        assertThat(read(DatasetSpec.of(f, DatasetFormat.JSONL)).getMessage())
                .startsWith(f + ":1: field 'text' must be a string, found NUMBER");
        write(f, "[1,2]\n");
        assertThat(read(DatasetSpec.of(f, DatasetFormat.JSONL)).getMessage()).startsWith(f + ":1: expected a JSON object");
        write(f, "{\"text\":\"a\",\"label\":\"x\",\"label\":\"y\"}\n");
        assertThat(read(DatasetSpec.of(f, DatasetFormat.JSONL)).getMessage()).startsWith(f + ":1: invalid JSON").contains("label");
    }

    @Test
    void csvWrongColumnCountNamesLine() throws Exception {
        Path f = write(tmp.resolve("d.csv"), "text,label\na,x\nb,y,extra\n");
        assertThat(read(DatasetSpec.of(f, DatasetFormat.CSV)).getMessage())
                .startsWith(f + ":3: row has 3 columns, the header has 2 [text, label]");
    }

    @Test
    void csvMissingColumnNamesColumnAndHeader() throws Exception {
        Path f = write(tmp.resolve("d.csv"), "body,label\na,x\nb,y\n");
        DatasetException e = read(DatasetSpec.of(f, DatasetFormat.CSV));
        assertThat(e.getMessage()).isEqualTo(f + ":1: missing column 'text'; the header has columns [body, label]");
        assertThat(e.field()).isEqualTo("text");
    }

    @Test
    void csvSyntaxErrors() throws Exception {
        Path f = write(tmp.resolve("d.csv"), "text,label\na,x\n\"open,y\nb,z\n");
        assertThat(read(DatasetSpec.of(f, DatasetFormat.CSV)).getMessage()).startsWith(f + ":3: unterminated quoted field");
        write(f, "text,label\n\"a\"b,x\n");
        assertThat(read(DatasetSpec.of(f, DatasetFormat.CSV)).getMessage()).startsWith(f + ":2: unexpected character 'b' after a closing quote");
        write(f, "text,label\na,x\nsay \"hi\",y\n");
        assertThat(read(DatasetSpec.of(f, DatasetFormat.CSV)).getMessage()).startsWith(f + ":3: quote inside an unquoted field");
        write(f, "text,text\na,b\n");
        assertThat(read(DatasetSpec.of(f, DatasetFormat.CSV)).getMessage()).startsWith(f + ":1: duplicate column 'text'");
    }

    @Test
    void nonNumericValueNamesColumn() throws Exception {
        Path f = write(tmp.resolve("n.csv"), "x1,x2,label\n1,2,a\n3,abc,b\n");
        DatasetException e = read(DatasetSpec.of(f, DatasetFormat.NUMERIC_CSV));
        assertThat(e.getMessage()).startsWith(f + ":3: non-numeric value 'abc' in 'x2'");
        assertThat(e.field()).isEqualTo("x2");
        write(f, "x1,x2,label\n1,NaN,a\n");
        assertThat(read(DatasetSpec.of(f, DatasetFormat.NUMERIC_CSV)).getMessage()).startsWith(f + ":2: non-numeric value 'NaN'");
        write(f, "x1,x2,label\n1,1e60,a\n");
        assertThat(read(DatasetSpec.of(f, DatasetFormat.NUMERIC_CSV)).getMessage()).startsWith(f + ":2: value '1e60' in 'x2' does not fit");
        Path j = write(tmp.resolve("n.jsonl"), "{\"a\":1,\"label\":\"p\"}\n{\"a\":\"1\",\"label\":\"q\"}\n");
        assertThat(read(DatasetSpec.of(j, DatasetFormat.NUMERIC_JSONL)).getMessage()).startsWith(j + ":2: non-numeric value \"1\" in 'a'");
    }

    @Test
    void numericVectorsMustHaveOneLength() throws Exception {
        Path j = write(tmp.resolve("n.jsonl"), "{\"v\":[1,2],\"label\":\"p\"}\n{\"v\":[1,2,3],\"label\":\"q\"}\n");
        assertThat(read(DatasetSpec.of(j, DatasetFormat.NUMERIC_JSONL)).getMessage())
                .startsWith(j + ":2: vector has 3 values, expected 2 as on line 1");
        write(j, "{\"a\":1,\"label\":\"p\"}\n{\"b\":1,\"label\":\"q\"}\n");
        assertThat(read(DatasetSpec.of(j, DatasetFormat.NUMERIC_JSONL)).getMessage())
                .startsWith(j + ":2: feature fields [b] differ from [a] on line 1");
    }

    @Test
    void emptyFiles() throws Exception {
        Path f = write(tmp.resolve("e.jsonl"), "");
        assertThat(read(DatasetSpec.of(f, DatasetFormat.JSONL)).getMessage()).isEqualTo(f + ": empty file: no data rows");
        write(f, "\n  \n");
        assertThat(read(DatasetSpec.of(f, DatasetFormat.JSONL)).getMessage()).isEqualTo(f + ": empty file: no data rows");
        Path c = write(tmp.resolve("e.csv"), "text,label\n");
        assertThat(read(DatasetSpec.of(c, DatasetFormat.CSV)).getMessage()).isEqualTo(c + ": empty file: a header row but no data rows");
        Path gz = ReadersTest.writeGz(tmp.resolve("e.jsonl.gz"), "");
        assertThat(read(DatasetSpec.of(gz, DatasetFormat.JSONL)).getMessage()).isEqualTo(gz + ": empty file: no data rows");
        Path missing = tmp.resolve("nope.jsonl");
        assertThat(read(DatasetSpec.of(missing, DatasetFormat.JSONL)).getMessage()).isEqualTo(missing + ": no such file or folder");
    }

    @Test
    void corruptGzip() throws Exception {
        Path gz = tmp.resolve("bad.jsonl.gz");
        Files.write(gz, new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3});
        assertThat(read(DatasetSpec.of(gz, DatasetFormat.JSONL)).getMessage()).startsWith(gz + ": starts like gzip but is not valid gzip");
    }

    @Test
    void nonUtf8BytesNameTheLine() throws Exception {
        Path f = tmp.resolve("latin1.jsonl");
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.writeBytes("{\"text\":\"a\",\"label\":\"x\"}\n{\"text\":\"b\",\"label\":\"y\"}\n{\"text\":\"caf".getBytes(StandardCharsets.UTF_8));
        b.write(0xE9); // e-acute in ISO-8859-1: invalid on its own in UTF-8
        b.writeBytes("\",\"label\":\"y\"}\n".getBytes(StandardCharsets.UTF_8));
        Files.write(f, b.toByteArray());
        DatasetException e = read(DatasetSpec.of(f, DatasetFormat.JSONL));
        assertThat(e.getMessage()).startsWith(f + ":3: not valid UTF-8: bad byte 0xe9");
        assertThat(e.line()).isEqualTo(3);
        Path c = tmp.resolve("latin1.csv");
        Files.write(c, new byte[] {'t', 'e', 'x', 't', ',', 'l', '\n', 'a', (byte) 0xFF, ',', 'x', '\n'});
        assertThat(read(DatasetSpec.of(c, DatasetFormat.CSV).withLabelField("l")).getMessage()).startsWith(c + ":2: not valid UTF-8");
    }

    @Test
    void singleClass() throws Exception {
        Path f = write(tmp.resolve("one.jsonl"), "{\"text\":\"a\",\"label\":\"ham\"}\n{\"text\":\"b\",\"label\":\"ham\"}\n");
        DatasetException e = read(DatasetSpec.of(f, DatasetFormat.JSONL));
        assertThat(e.getMessage()).isEqualTo(f + ": only one class 'ham' (2 examples) in field 'label'; a classifier needs at least two classes");
    }

    @Test
    void folderErrors() throws Exception {
        Path root = tmp.resolve("c");
        write(root.resolve("a/1.txt"), "x");
        write(root.resolve("b/1.txt"), "y");
        write(root.resolve("b/empty.txt"), "");
        DatasetException e = read(DatasetSpec.of(root, DatasetFormat.FOLDERS));
        assertThat(e.getMessage()).startsWith(root.resolve("b/empty.txt") + ": empty file");
        Dataset d = DatasetReader.read(DatasetSpec.of(root, DatasetFormat.FOLDERS).withBadRows(BadRowPolicy.SKIP));
        assertThat(d.size()).isEqualTo(2);
        assertThat(d.skipped().countsByReason()).containsExactly(org.assertj.core.api.Assertions.entry("empty file", 1));
        write(root.resolve("a/sub/2.txt"), "z");
        assertThat(read(DatasetSpec.of(root, DatasetFormat.FOLDERS)).getMessage())
                .startsWith(root.resolve("a/sub") + ": unexpected folder inside label folder 'a'");
        Path empty = Files.createDirectories(tmp.resolve("none"));
        assertThat(read(DatasetSpec.of(empty, DatasetFormat.FOLDERS)).getMessage()).isEqualTo(empty + ": empty dataset: no label sub-folders");
    }

    @Test
    void skipPolicyCountsRowsPerReason() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= 20; i++) {
            String row = switch (i % 5) {
                case 1 -> "{not json";
                case 2 -> "{\"label\":\"x\"}";
                default -> "{\"text\":\"t" + i + "\",\"label\":\"" + (i % 2 == 0 ? "x" : "y") + "\"}";
            };
            sb.append(row).append('\n');
        }
        Path f = write(tmp.resolve("d.jsonl"), sb.toString());
        Dataset d = DatasetReader.read(DatasetSpec.of(f, DatasetFormat.JSONL).withBadRows(BadRowPolicy.SKIP));
        assertThat(d.size()).isEqualTo(12);
        SkippedRows s = d.skipped();
        assertThat(s.total()).isEqualTo(8);
        assertThat(s.countsByReason()).containsEntry("invalid JSON", 4).containsEntry("missing field 'text'", 4);
        assertThat(s.firstLines().get("invalid JSON")).containsExactly(1L, 6L, 11L, 16L);
        assertThat(s.firstLines().get("missing field 'text'")).containsExactly(2L, 7L, 12L, 17L);
        assertThat(s.toString()).isEqualTo("8 rows skipped: invalid JSON 4 (lines 1, 6, 11, 16); missing field 'text' 4 (lines 2, 7, 12, 17)");
    }

    @Test
    void skipPolicyKeepsFirstFiveLinesAndFailsWhenNothingIsLeft() throws Exception {
        Path f = write(tmp.resolve("d.csv"), "text,label\n" + "a\n".repeat(7));
        DatasetException e = read(DatasetSpec.of(f, DatasetFormat.CSV).withBadRows(BadRowPolicy.SKIP));
        assertThat(e.getMessage()).isEqualTo(f + ": no usable rows: 7 rows skipped: wrong column count 7 (lines 2, 3, 4, 5, 6, ...)");
    }

    @Test
    void unknownLabelInExplicitOrder() throws Exception {
        Path f = write(tmp.resolve("d.jsonl"), "{\"text\":\"a\",\"label\":\"x\"}\n{\"text\":\"b\",\"label\":\"z\"}\n");
        Dataset d = DatasetReader.read(DatasetSpec.of(f, DatasetFormat.JSONL));
        assertThat(fails(() -> LabelVocab.of(d, List.of("y", "x"))).getMessage())
                .isEqualTo(f + ":2: label 'z' is not in the given label order [y, x]");
        LabelVocab v = LabelVocab.of(d, List.of("z", "x"));
        assertThat(v.index("z")).isZero();
        assertThat(LabelVocab.natural(d).names()).containsExactly("x", "z");
        assertThatThrownBy(() -> v.index("q")).hasMessage("unknown label 'q', expected one of [z, x]");
    }

    @Test
    void specRejectsConflictingRoles() {
        assertThatThrownBy(() -> DatasetSpec.of(Path.of("x.jsonl"), DatasetFormat.JSONL).withGroupField("label"))
                .hasMessageContaining("field 'label' is given two roles");
        assertThatThrownBy(() -> DatasetSpec.of(Path.of("x.csv"), DatasetFormat.CSV).withFeatureFields(List.of("a")))
                .hasMessageContaining("numeric formats only");
    }
}
