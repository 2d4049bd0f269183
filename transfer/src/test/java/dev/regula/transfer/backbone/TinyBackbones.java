package dev.regula.transfer.backbone;

import dev.regula.models.onnx.GraphProto;
import dev.regula.models.onnx.ModelProto;
import dev.regula.models.onnx.NodeProto;
import dev.regula.models.onnx.OperatorSetIdProto;
import dev.regula.models.onnx.TensorProto;
import dev.regula.models.onnx.TensorShapeProto;
import dev.regula.models.onnx.TypeProto;
import dev.regula.models.onnx.ValueInfoProto;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Tiny backbones built in code, with their weights kept so tests can compute features by hand.
 *
 * <p>Text: {@code emb = Gather(E, input_ids)} [B, L, k], {@code hidden = MatMul(emb, W)} [B, L, d]
 * (internal, no declared shape), {@code out = Relu(hidden)} [B, L, d] (graph output); inputs
 * {@code input_ids} and {@code attention_mask}. Numeric: {@code y = MatMul(x, W)} [B, d].
 */
public final class TinyBackbones {
    public static final int VOCAB = 10;
    public static final int K = 3;
    public static final int D = 4;
    public static final int NUM_IN = 5;

    public final float[][] embedding;
    public final float[][] weight;
    public final float[][] numericWeight;

    public TinyBackbones(long seed) {
        Random r = new Random(seed);
        embedding = random(r, VOCAB, K);
        weight = random(r, K, D);
        numericWeight = random(r, NUM_IN, D);
    }

    private static float[][] random(Random r, int rows, int cols) {
        float[][] m = new float[rows][cols];
        for (float[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = (float) r.nextGaussian();
            }
        }
        return m;
    }

    /** The text backbone at the given default-domain opset. */
    public ModelProto text(long opset) {
        return model(textGraph(false), opset);
    }

    /**
     * {@link #text} with its embeddings quantized dynamically before the MatMul, as int8 exports do:
     * DynamicQuantizeLinear takes one scale for the whole {@code [batch, seq, K]} tensor, so an
     * example's output depends on the others in its batch. Needs opset 11 or later.
     */
    public ModelProto dynamicallyQuantizedText(long opset) {
        return model(textGraph(true), opset);
    }

    private GraphProto textGraph(boolean quantize) {
        GraphProto.Builder g = GraphProto.newBuilder().setName(quantize ? "tiny_text_q" : "tiny_text")
                .addInput(tensor("input_ids", TensorProto.DataType.INT64_VALUE, "batch", "seq"))
                .addInput(tensor("attention_mask", TensorProto.DataType.INT64_VALUE, "batch", "seq"))
                .addInitializer(matrix("E", embedding))
                .addInitializer(matrix("W", weight))
                .addNode(NodeProto.newBuilder().setOpType("Gather").addInput("E").addInput("input_ids").addOutput("emb"));
        if (quantize) {
            g.addNode(NodeProto.newBuilder().setOpType("DynamicQuantizeLinear").addInput("emb")
                            .addOutput("emb_q").addOutput("emb_scale").addOutput("emb_zero"))
                    .addNode(NodeProto.newBuilder().setOpType("DequantizeLinear").addInput("emb_q").addInput("emb_scale")
                            .addInput("emb_zero").addOutput("emb_dq"));
        }
        return g.addNode(NodeProto.newBuilder().setOpType("MatMul").addInput(quantize ? "emb_dq" : "emb").addInput("W")
                        .addOutput("hidden"))
                .addNode(NodeProto.newBuilder().setOpType("Relu").addInput("hidden").addOutput("out"))
                .addOutput(tensor("out", TensorProto.DataType.FLOAT_VALUE, "batch", "seq", Integer.toString(D)))
                .build();
    }

    /** The numeric backbone: float {@code x [batch, 5]} to {@code y [batch, 4]}. */
    public ModelProto numeric(long opset) {
        GraphProto g = GraphProto.newBuilder().setName("tiny_numeric")
                .addInput(tensor("x", TensorProto.DataType.FLOAT_VALUE, "batch", Integer.toString(NUM_IN)))
                .addInitializer(matrix("W", numericWeight))
                .addNode(NodeProto.newBuilder().setOpType("MatMul").addInput("x").addInput("W").addOutput("y"))
                .addOutput(tensor("y", TensorProto.DataType.FLOAT_VALUE, "batch", Integer.toString(D)))
                .build();
        return model(g, opset);
    }

    /** Hidden vectors {@code W^T E[id]} of a token sequence, before Relu. */
    public float[][] hidden(long[] ids) {
        float[][] h = new float[ids.length][D];
        for (int t = 0; t < ids.length; t++) {
            for (int j = 0; j < D; j++) {
                double s = 0;
                for (int i = 0; i < K; i++) {
                    s += (double) embedding[(int) ids[t]][i] * weight[i][j];
                }
                h[t][j] = (float) s;
            }
        }
        return h;
    }

    /**
     * A word-level tokenizer.json: words {@code w1..w9} map to ids 1..9, anything else to 0
     * ({@code [UNK]}); no special tokens, so ids are exactly the words.
     */
    public static Path writeTokenizer(Path dir) throws IOException {
        StringBuilder vocab = new StringBuilder("\"[UNK]\": 0");
        for (int i = 1; i < VOCAB; i++) {
            vocab.append(", \"w").append(i).append("\": ").append(i);
        }
        String json = "{\"version\": \"1.0\", \"truncation\": null, \"padding\": null, \"added_tokens\": [],"
                + " \"normalizer\": null, \"pre_tokenizer\": {\"type\": \"Whitespace\"}, \"post_processor\": null,"
                + " \"decoder\": null, \"model\": {\"type\": \"WordLevel\", \"vocab\": {" + vocab + "},"
                + " \"unk_token\": \"[UNK]\"}}";
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, json, StandardCharsets.UTF_8);
        return file;
    }

    static ModelProto model(GraphProto g, long opset) {
        long ir = opset <= 11 ? 6 : opset <= 13 ? 7 : 8;
        return ModelProto.newBuilder().setIrVersion(ir).setProducerName("regula-test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(g).build();
    }

    static ValueInfoProto tensor(String name, int elemType, String... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (String d : dims) {
            s.addDim(d.chars().allMatch(Character::isDigit)
                    ? TensorShapeProto.Dimension.newBuilder().setDimValue(Long.parseLong(d))
                    : TensorShapeProto.Dimension.newBuilder().setDimParam(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(s))).build();
    }

    static TensorProto matrix(String name, float[][] m) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(m.length).addDims(m[0].length);
        for (float[] row : m) {
            for (float v : row) {
                t.addFloatData(v);
            }
        }
        return t.build();
    }
}
