package dev.regula.transfer.encode;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.regula.models.ElemType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Encodes texts with a HuggingFace {@code tokenizer.json} (DJL's binding of the Rust tokenizers) into
 * the int64 inputs of transformer backbones: {@code input_ids}, {@code attention_mask} and
 * {@code token_type_ids}, or whichever subset the model declares.
 */
public final class TextEncoder implements InputEncoder<String, TextEncoder.Tokens>, AutoCloseable {
    public static final String INPUT_IDS = "input_ids";
    public static final String ATTENTION_MASK = "attention_mask";
    public static final String TOKEN_TYPE_IDS = "token_type_ids";
    /** Tokens per text when nothing says otherwise (spec, CLI, import, export metadata): the one place it is written. */
    public static final int DEFAULT_MAX_LENGTH = 128;
    private static final List<String> KNOWN = List.of(INPUT_IDS, ATTENTION_MASK, TOKEN_TYPE_IDS);

    /** The tokens of one text. */
    public record Tokens(long[] ids, long[] mask, long[] typeIds) implements InputEncoder.Encoded {
        @Override
        public int length() {
            return ids.length;
        }
    }

    private static final JsonFactory JSON = new JsonFactory();

    private final HuggingFaceTokenizer tokenizer;
    private final Path file;
    private final int maxLength;
    private final boolean truncation;

    private TextEncoder(HuggingFaceTokenizer tokenizer, Path file, int maxLength, boolean truncation) {
        this.tokenizer = tokenizer;
        this.file = file;
        this.maxLength = maxLength;
        this.truncation = truncation;
    }

    /**
     * Opens a tokenizer.
     *
     * @param tokenizerJson a HuggingFace {@code tokenizer.json}
     * @param maxLength most tokens per text, special tokens included
     * @param truncation cut longer texts to {@code maxLength}; when false a longer text is an error
     * @throws IOException naming the file when it is missing or not a tokenizer
     */
    public static TextEncoder open(Path tokenizerJson, int maxLength, boolean truncation) throws IOException {
        Objects.requireNonNull(tokenizerJson, "tokenizerJson");
        if (maxLength < 2) {
            throw new IllegalArgumentException("maxLength must be >= 2 (room for the special tokens), got " + maxLength);
        }
        checkFile(tokenizerJson);
        Map<String, String> options = Map.of(
                "maxLength", Integer.toString(maxLength),
                "truncation", Boolean.toString(truncation),
                "padding", "false");
        try {
            return new TextEncoder(HuggingFaceTokenizer.newInstance(tokenizerJson, options), tokenizerJson, maxLength, truncation);
        } catch (RuntimeException e) {
            // The native side reports a malformed file as a bare RuntimeException.
            throw new IOException("cannot load tokenizer " + tokenizerJson.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Checks that {@code tokenizerJson} is a readable regular file holding one JSON object, so that
     * a bad file is refused where it is named (at import), with what failed: the native tokenizer
     * only says that it could not load it.
     *
     * @throws IOException "does not exist", "is not a regular file", "permission denied", or "is not JSON"
     */
    public static void checkFile(Path tokenizerJson) throws IOException {
        Path abs = tokenizerJson.toAbsolutePath();
        if (!Files.exists(abs)) {
            throw new IOException("tokenizer file " + abs + " does not exist");
        }
        if (!Files.isRegularFile(abs)) {
            throw new IOException("tokenizer file " + abs + " is not a regular file; expected a HuggingFace tokenizer.json");
        }
        if (!Files.isReadable(abs)) {
            throw new IOException("cannot read tokenizer file " + abs + ": permission denied");
        }
        // Streams the tokens: a huge or endless file costs time, never a heap of its size.
        try (JsonParser p = JSON.createParser(abs.toFile())) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new IOException("tokenizer file " + abs + " is not JSON: expected a JSON object (a HuggingFace"
                        + " tokenizer.json), found " + (first == null ? "an empty file" : first.asString() == null ? first : "'" + first.asString() + "'"));
            }
            p.skipChildren();
            if (p.nextToken() != null) {
                throw new IOException("tokenizer file " + abs + " is not JSON: text after the closing brace at line "
                        + p.currentLocation().getLineNr());
            }
        } catch (JsonProcessingException e) {
            throw new IOException("tokenizer file " + abs + " is not JSON: " + e.getOriginalMessage() + " at line "
                    + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()), e);
        } catch (java.nio.file.AccessDeniedException | java.io.FileNotFoundException e) {
            throw new IOException("cannot read tokenizer file " + abs + ": permission denied (" + e.getMessage() + ")", e);
        }
    }

    public int maxLength() {
        return maxLength;
    }

    public boolean truncation() {
        return truncation;
    }

    @Override
    public String name() {
        return "text encoder (" + file.getFileName() + ")";
    }

    @Override
    public String provides() {
        return "int64 [batch, tokens] tensors " + KNOWN;
    }

    @Override
    public void check(List<ModelInput> inputs) throws EncoderMismatchException {
        List<String> bad = new ArrayList<>();
        boolean hasIds = false;
        for (ModelInput in : inputs) {
            boolean known = KNOWN.contains(in.name());
            boolean typeOk = in.type() == ElemType.INT64;
            boolean rankOk = in.rank() == -1 || in.rank() == 2;
            if (!known || !typeOk || !rankOk) {
                bad.add(in.name());
            }
            hasIds |= in.name().equals(INPUT_IDS);
        }
        if (!bad.isEmpty()) {
            throw new EncoderMismatchException(name(), inputs, provides(), "the " + name() + " cannot feed model input(s) " + bad);
        }
        if (!hasIds) {
            throw new EncoderMismatchException(name(), inputs, provides(), "the model has no '" + INPUT_IDS + "' input");
        }
    }

    @Override
    public List<Tokens> encodeAll(List<String> texts) {
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) == null) {
                throw new IllegalArgumentException("text " + i + " is null");
            }
        }
        // batchEncode tokenizes in parallel on the native side.
        Encoding[] enc = tokenizer.batchEncode(texts);
        List<Tokens> out = new ArrayList<>(enc.length);
        for (int i = 0; i < enc.length; i++) {
            long[] ids = enc[i].getIds();
            if (ids.length > maxLength) {
                throw new IllegalArgumentException("text " + i + " has " + ids.length + " tokens, more than maxLength "
                        + maxLength + " (enable truncation or raise maxLength)");
            }
            out.add(new Tokens(ids, enc[i].getAttentionMask(), enc[i].getTypeIds()));
        }
        return out;
    }

    @Override
    public Map<String, BatchTensor> collate(List<Tokens> batch, List<ModelInput> inputs) {
        int b = batch.size();
        int len = 1;
        for (Tokens t : batch) {
            len = Math.max(len, t.length());
        }
        Map<String, BatchTensor> out = new HashMap<>();
        for (ModelInput in : inputs) {
            // Padding is 0 in every column: mask 0 hides the position, so the pad id itself never counts.
            long[] v = new long[b * len];
            for (int r = 0; r < b; r++) {
                Tokens t = batch.get(r);
                long[] src = switch (in.name()) {
                    case INPUT_IDS -> t.ids();
                    case ATTENTION_MASK -> t.mask();
                    case TOKEN_TYPE_IDS -> t.typeIds();
                    default -> throw new IllegalStateException("input " + in.name() + " passed check() but is unknown");
                };
                System.arraycopy(src, 0, v, r * len, src.length);
            }
            out.put(in.name(), BatchTensor.ofLongs(v, b, len));
        }
        return out;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
