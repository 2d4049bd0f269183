package dev.regula.transfer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data is read as a stream: a file far larger than the heap, or one that never ends, gives a clear
 * error (never an OutOfMemoryError), and only regular files are opened.
 */
class StreamingDataTest {
    @TempDir
    Path tmp;

    private static DatasetSpec text(Path f, DatasetFormat format) {
        return DatasetSpec.of(f, format).withLabelField("label");
    }

    @Test
    void devZeroIsRefusedAsNotARegularFile() {
        for (DatasetFormat format : new DatasetFormat[] {DatasetFormat.JSONL, DatasetFormat.CSV, DatasetFormat.NUMERIC_CSV}) {
            assertThatThrownBy(() -> DatasetReader.read(text(Path.of("/dev/zero"), format)))
                    .isInstanceOf(DatasetException.class)
                    .hasMessageContaining("/dev/zero").hasMessageContaining("not a regular file");
        }
    }

    @Test
    void aFifoIsRefusedWithoutBlocking() throws Exception {
        Path fifo = tmp.resolve("data.jsonl");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(mk.waitFor() == 0, "mkfifo is not available");
        assertThatThrownBy(() -> DatasetReader.read(text(fifo, DatasetFormat.JSONL))).hasMessageContaining("not a regular file");
    }

    /** 3 GiB of zero bytes, sparse: no line break anywhere, larger than any array and than the test's heap. */
    private Path sparse(String name) throws Exception {
        Path f = tmp.resolve(name);
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(3L << 30);
        }
        return f;
    }

    @Test
    void aThreeGibJsonlFileWithoutLineBreaksHitsTheRowCapNotTheHeap() throws Exception {
        Path f = sparse("big.jsonl");
        assertThatThrownBy(() -> DatasetReader.read(text(f, DatasetFormat.JSONL)))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith(f + ":1: the line is longer than " + DatasetReader.MAX_ROW_CHARS + " characters");
    }

    @Test
    void aThreeGibCsvFileWithoutLineBreaksHitsTheRowCapNotTheHeap() throws Exception {
        Path f = sparse("big.csv");
        assertThatThrownBy(() -> DatasetReader.read(text(f, DatasetFormat.CSV)))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("the record starting on this line is longer than");
    }

    @Test
    void anUnterminatedQuoteStopsAtTheCapToo() throws Exception {
        Path f = tmp.resolve("quote.csv");
        try (OutputStream out = Files.newOutputStream(f)) {
            out.write("text,label\n\"".getBytes(StandardCharsets.UTF_8));
            byte[] line = "a,b\n".repeat(1 << 14).getBytes(StandardCharsets.UTF_8);
            for (long written = 0; written <= DatasetReader.MAX_ROW_CHARS; written += line.length) {
                out.write(line);
            }
        }
        assertThatThrownBy(() -> DatasetReader.read(text(f, DatasetFormat.CSV)))
                .hasMessageStartingWith(f + ":2: the record starting on this line is longer than");
    }

    @Test
    void aGzipBombOfZerosStopsAtTheCap() throws Exception {
        Path f = tmp.resolve("bomb.jsonl");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 40; i++) {
                out.write(zeros);
            }
        }
        assertThat(Files.size(f)).isLessThan(1 << 20);
        assertThatThrownBy(() -> DatasetReader.read(text(f, DatasetFormat.JSONL))).hasMessageContaining("the line is longer than");
    }

    @Test
    void rowsAcrossBufferBoundariesAndMultiByteCharactersReadIntact() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            sb.append("{\"text\": \"").append("é€𝄞".repeat(i % 7)).append(" row ").append(i).append("\", \"label\": \"")
                    .append(i % 2 == 0 ? "a" : "b").append("\"}\n");
        }
        Path f = Files.writeString(tmp.resolve("multi.jsonl"), sb, StandardCharsets.UTF_8);
        Dataset d = DatasetReader.read(text(f, DatasetFormat.JSONL));
        assertThat(d.examples()).hasSize(5000);
        assertThat(d.examples().get(4999).text()).isEqualTo("é€𝄞".repeat(4999 % 7) + " row 4999");
        assertThat(d.examples().get(4999).source()).isEqualTo(f + ":5000");
    }

    /** Many short, valid rows: the kept rows stop at the data budget with a clear error, not at the heap's end. */
    @Test
    void manyValidRowsStopAtTheDataBudgetWithAClearError() throws Exception {
        Path f = tmp.resolve("many.jsonl");
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 2_000; i++) {
            b.append("{\"text\": \"row ").append(i).append(" with some words in it\", \"label\": \"")
                    .append(i % 2 == 0 ? "spam" : "ham").append("\"}\n");
        }
        Files.writeString(f, b, StandardCharsets.UTF_8);
        DatasetSpec spec = text(f, DatasetFormat.JSONL);
        assertThat(DatasetReader.read(spec, 2, 10L << 20).examples()).hasSize(2_000);
        assertThatThrownBy(() -> DatasetReader.read(spec, 2, 64L << 10))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("too much data for this JVM's heap")
                .hasMessageContaining("65,536 bytes")
                .hasMessageContaining("REGULA_JAVA_OPTS");
        Path csv = tmp.resolve("many.csv");
        StringBuilder c = new StringBuilder("text,label\n");
        for (int i = 0; i < 2_000; i++) {
            c.append("row ").append(i).append(" with some words in it,").append(i % 2 == 0 ? "spam" : "ham").append('\n');
        }
        Files.writeString(csv, c, StandardCharsets.UTF_8);
        assertThatThrownBy(() -> DatasetReader.read(text(csv, DatasetFormat.CSV), 2, 64L << 10))
                .isInstanceOf(DatasetException.class).hasMessageContaining("too much data");
    }

    @Test
    void theDefaultBudgetIsAQuarterOfTheMaximumHeap() {
        assertThat(DatasetReader.rowBudgetBytes()).isEqualTo(Runtime.getRuntime().maxMemory() / 4);
    }
}
