package dev.regula.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regula.transfer.backbone.BackboneException;
import dev.regula.transfer.data.DatasetException;
import dev.regula.transfer.encode.EncoderMismatchException;
import dev.regula.transfer.export.ExportException;
import dev.regula.transfer.features.FeatureExtractorException;
import dev.regula.transfer.features.FeatureJobException;
import dev.regula.transfer.features.FeatureStoreException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every checked failure of transfer shares one root that carries the location as data. */
class TransferExceptionTest {
    @Test
    void everyTransferFailureIsATransferException() {
        List<Exception> all = List.of(new BackboneException("x.onnx", "not found"),
                new DatasetException(Path.of("d.csv"), 3, "label", "empty label"),
                new EncoderMismatchException("text encoder", List.of(), "input_ids", "no inputs"),
                new ExportException(Path.of("out"), "in the way"), new FeatureExtractorException("cannot run"),
                new FeatureJobException("cannot finish", null), new FeatureStoreException(Path.of("store"), "bad hash"));
        assertThat(all).allSatisfy(e -> assertThat(e).isInstanceOf(TransferException.class));
    }

    @Test
    void theLocationIsDataAndStartsTheMessage() {
        DatasetException d = new DatasetException(Path.of("d.csv"), 3, "label", "empty label");
        assertThat(d.getMessage()).isEqualTo("d.csv:3: empty label");
        TransferException t = d;
        assertThat(t.file()).isEqualTo(Path.of("d.csv"));
        assertThat(t.line()).isEqualTo(3);
        assertThat(t.detail()).isEqualTo("empty label");
        assertThat(d.field()).isEqualTo("label");

        FeatureStoreException s = new FeatureStoreException(Path.of("store"), "bad hash");
        assertThat(s.getMessage()).isEqualTo("store: bad hash");
        assertThat(s.line()).isZero();

        ExportException noFile = new ExportException(null, "no outputs");
        assertThat(noFile.getMessage()).isEqualTo("no outputs");
        assertThat(noFile.file()).isNull();

        BackboneException b = new BackboneException("x.onnx", "not found");
        assertThat(b.getMessage()).isEqualTo("backbone source 'x.onnx': not found");
        assertThat(b.source()).isEqualTo("x.onnx");
        assertThat(b.file()).isNull();
    }
}
