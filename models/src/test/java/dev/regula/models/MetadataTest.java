package dev.regula.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetadataTest {
    @TempDir
    Path dir;

    @Test
    void addsAndOverwritesKeysKeepingOthersAndOrder() {
        OnnxModel m = OnnxModel.of(TinyModels.add()).withMetadata(ordered("a", "1", "b", "2", "c", "3"));
        OnnxModel m2 = m.withMetadata(ordered("b", "two", "d", "4"));
        assertThat(m2.metadata()).containsExactly(
                Map.entry("a", "1"), Map.entry("b", "two"), Map.entry("c", "3"), Map.entry("d", "4"));
        assertThat(m.metadata()).containsEntry("b", "2"); // the original is unchanged
        assertThat(m2.proto().getMetadataPropsCount()).isEqualTo(4);
    }

    @Test
    void roundTripsThroughAFile() throws Exception {
        Map<String, String> meta = ordered("regula.backbone.sha256", "ab12", "regula.config", "{\"l2\": 0.01}\nnext",
                "unicode", "na\u00efve \u2713");
        Path file = dir.resolve("m.onnx");
        OnnxModel.of(TinyModels.add()).withMetadata(meta).write(file);
        assertThat(OnnxModel.read(file).metadata()).containsExactlyEntriesOf(meta);
    }

    @Test
    void rejectsEmptyKeysAndNullValues() {
        OnnxModel m = OnnxModel.of(TinyModels.add());
        assertThatThrownBy(() -> m.withMetadata(Map.of("", "x"))).hasMessageContaining("non-empty");
        assertThatThrownBy(() -> m.withMetadata(Collections.singletonMap("k", null)))
                .hasMessageContaining("metadata value for key 'k' is null");
    }

    private static Map<String, String> ordered(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
