package dev.regula.transfer.lexical;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regula.models.TokenWindowSlice;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hybrid graph's end token is read from the tokenizer, not assumed. */
class HybridFeaturesTest {
    @Test
    void miniLmEndsATruncatedTextWithSep(@TempDir Path dir) throws Exception {
        Path tok = dir.resolve("tokenizer.json");
        try (InputStream in = HybridFeaturesTest.class.getResourceAsStream("/all-minilm-l6-v2-tokenizer.json")) {
            Files.copy(in, tok);
        }
        assertThat(HybridFeatures.windowSlice(tok, 128)).isEqualTo(new TokenWindowSlice(128, 102));
        assertThat(HybridFeatures.windowSlice(tok, 7)).isEqualTo(new TokenWindowSlice(7, 102));
    }

    @Test
    void aTokenizerWithoutSpecialTokensIsCutPlainly(@TempDir Path dir) throws Exception {
        Path tok = dir.resolve("tokenizer.json");
        Files.writeString(tok, "{\"version\": \"1.0\", \"truncation\": null, \"padding\": null, \"added_tokens\": [],"
                + " \"normalizer\": null, \"pre_tokenizer\": {\"type\": \"Whitespace\"}, \"post_processor\": null,"
                + " \"decoder\": null, \"model\": {\"type\": \"WordLevel\", \"vocab\": {\"[UNK]\": 0, \"a\": 1},"
                + " \"unk_token\": \"[UNK]\"}}", StandardCharsets.UTF_8);
        assertThat(HybridFeatures.windowSlice(tok, 5).sepId()).isEqualTo(TokenWindowSlice.NO_END_TOKEN);
    }
}
