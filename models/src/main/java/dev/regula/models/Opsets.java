package dev.regula.models;

import dev.regula.models.onnx.AttributeProto;
import dev.regula.models.onnx.NodeProto;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * What each default-domain ({@code ai.onnx}) op looks like at a given opset: whether it exists,
 * which of its operands are attributes and which are inputs, and which opset upgrades change a
 * node's meaning. The table covers the standard operators up to opset {@value #MAX_OPSET}.
 */
public final class Opsets {
    /** Lowest default-domain opset the builder writes. */
    public static final int MIN_OPSET = 7;
    /** Highest default-domain opset the builder writes (ONNX Runtime 1.23 runs it). */
    public static final int MAX_OPSET = 21;

    /** Opset that introduced each op (first {@code since_version}). */
    private static final Map<String, Integer> SINCE = parseSince("""
            Abs:1 Acos:7 Acosh:9 Add:1 AffineGrid:20 And:1 ArgMax:1 ArgMin:1 Asin:7 Asinh:9 Atan:7 Atanh:9
            AveragePool:1 BatchNormalization:1 Bernoulli:15 BitShift:11 BitwiseAnd:18 BitwiseNot:18
            BitwiseOr:18 BitwiseXor:18 BlackmanWindow:17 Cast:1 CastLike:15 Ceil:1 Celu:12 CenterCropPad:18
            Clip:1 Col2Im:18 Compress:9 Concat:1 ConcatFromSequence:11 Constant:1 ConstantOfShape:9 Conv:1
            ConvInteger:10 ConvTranspose:1 Cos:7 Cosh:9 CumSum:11 DFT:17 DeformConv:19 DepthToSpace:1
            DequantizeLinear:10 Det:11 Div:1 Dropout:1 DynamicQuantizeLinear:11 Einsum:12 Elu:1 Equal:1
            Erf:9 Exp:1 Expand:8 EyeLike:9 Flatten:1 Floor:1 GRU:1 Gather:1 GatherElements:11 GatherND:11
            Gelu:20 Gemm:1 GlobalAveragePool:1 GlobalLpPool:1 GlobalMaxPool:1 Greater:1 GreaterOrEqual:12
            GridSample:16 GroupNormalization:18 HammingWindow:17 HannWindow:17 HardSigmoid:1 HardSwish:14
            Hardmax:1 Identity:1 If:1 ImageDecoder:20 InstanceNormalization:1 IsInf:10 IsNaN:9 LRN:1 LSTM:1
            LayerNormalization:17 LeakyRelu:1 Less:1 LessOrEqual:12 Log:1 LogSoftmax:1 Loop:1
            LpNormalization:1 LpPool:1 MatMul:1 MatMulInteger:10 Max:1 MaxPool:1 MaxRoiPool:1 MaxUnpool:9
            Mean:1 MeanVarianceNormalization:9 MelWeightMatrix:17 Min:1 Mish:18 Mod:10 Mul:1 Multinomial:7
            Neg:1 NegativeLogLikelihoodLoss:12 NonMaxSuppression:10 NonZero:9 Not:1 OneHot:9 Optional:15
            OptionalGetElement:15 OptionalHasElement:15 Or:1 PRelu:1 Pad:1 Pow:1 QLinearConv:10
            QLinearMatMul:10 QuantizeLinear:10 RNN:1 RandomNormal:1 RandomNormalLike:1 RandomUniform:1
            RandomUniformLike:1 Range:11 Reciprocal:1 ReduceL1:1 ReduceL2:1 ReduceLogSum:1
            ReduceLogSumExp:1 ReduceMax:1 ReduceMean:1 ReduceMin:1 ReduceProd:1 ReduceSum:1
            ReduceSumSquare:1 RegexFullMatch:20 Relu:1 Reshape:1 Resize:10 ReverseSequence:10 RoiAlign:10
            Round:11 STFT:17 Scan:8 Scatter:9 ScatterElements:11 ScatterND:11 Selu:1 SequenceAt:11
            SequenceConstruct:11 SequenceEmpty:11 SequenceErase:11 SequenceInsert:11 SequenceLength:11
            SequenceMap:17 Shape:1 Shrink:9 Sigmoid:1 Sign:9 Sin:7 Sinh:9 Size:1 Slice:1 Softmax:1
            SoftmaxCrossEntropyLoss:12 Softplus:1 Softsign:1 SpaceToDepth:1 Split:1 SplitToSequence:11
            Sqrt:1 Squeeze:1 StringConcat:20 StringNormalizer:10 StringSplit:20 Sub:1 Sum:1 Tan:7 Tanh:1
            TfIdfVectorizer:9 ThresholdedRelu:10 Tile:1 TopK:1 Transpose:1 Trilu:14 Unique:11 Unsqueeze:1
            Upsample:7 Where:9 Xor:1
            """);

    /** Opset from which an op is deprecated (no longer part of the opset). */
    private static final Map<String, Integer> REMOVED = Map.of("Upsample", 10, "Scatter", 11);

    /** Opsets at which an op's operand moved from attribute(s) to inputs; before it the op takes one input. */
    private record Move(List<String> attrs, int version, String inputForm) {
    }

    private static final Map<String, Move> MOVES = new HashMap<>();

    static {
        Move reduce18 = new Move(List.of("axes"), 18, "'axes' as an optional int64 input (input 1)");
        for (String op : List.of("ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2",
                "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare")) {
            MOVES.put(op, reduce18);
        }
        Move axes13 = new Move(List.of("axes"), 13, "'axes' as an optional int64 input (input 1)");
        MOVES.put("ReduceSum", axes13);
        MOVES.put("Squeeze", axes13);
        MOVES.put("Unsqueeze", new Move(List.of("axes"), 13, "'axes' as an int64 input (input 1)"));
        MOVES.put("Split", new Move(List.of("split"), 13, "'split' as an optional int64 input (input 1)"));
        MOVES.put("Clip", new Move(List.of("min", "max"), 11, "'min' and 'max' as optional scalar inputs 1 and 2"));
        MOVES.put("Pad", new Move(List.of("pads", "value"), 11, "'pads' and 'constant_value' as inputs 1 and 2"));
        MOVES.put("Slice", new Move(List.of("starts", "ends", "axes"), 10,
                "'starts', 'ends', 'axes', 'steps' as int64 inputs 1 to 4"));
        MOVES.put("TopK", new Move(List.of("k"), 10, "'k' as an int64 input (input 1)"));
        MOVES.put("Dropout", new Move(List.of("ratio"), 12, "'ratio' as an optional input (input 1)"));
        MOVES.put("Upsample", new Move(List.of("scales"), 9, "'scales' as a float input (input 1)"));
    }

    /** Ops whose {@code axis} meaning changed at 13: before, the input is flattened to 2-D at {@code axis}. */
    private static final Set<String> FLATTENING_SOFTMAX = Set.of("Softmax", "LogSoftmax", "Hardmax");

    private Opsets() {
    }

    /**
     * The IR version the ONNX release that introduced {@code opset} wrote (opset 17 -> IR 8), but
     * at least 4: from IR 4 on, initializers need not be listed as graph inputs.
     */
    public static int irVersionFor(int opset) {
        checkSupported(opset);
        if (opset <= 9) {
            return 4;
        }
        if (opset <= 11) {
            return opset - 5;
        }
        if (opset <= 14) {
            return 7;
        }
        if (opset <= 18) {
            return 8;
        }
        return opset <= 20 ? 9 : 10;
    }

    /** Refuses opsets outside [{@value #MIN_OPSET}, {@value #MAX_OPSET}]. */
    public static void checkSupported(int opset) {
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            throw new OpsetException("", opset, "Default-domain opset " + opset + " is not supported, expected "
                    + MIN_OPSET + " to " + MAX_OPSET);
        }
    }

    /** The opset that introduced {@code opType}, or empty when the table does not know the op. */
    public static OptionalInt since(String opType) {
        Integer v = SINCE.get(opType);
        return v == null ? OptionalInt.empty() : OptionalInt.of(v);
    }

    /** Whether {@code opType} (a Reduce*, Squeeze, Unsqueeze, Split) takes its axes/split as an input at {@code opset}. */
    public static boolean operandAsInput(String opType, int opset) {
        Move m = MOVES.get(opType);
        if (m == null) {
            throw new IllegalArgumentException("Op " + opType + " has no attribute-to-input move, expected one of "
                    + MOVES.keySet());
        }
        return opset >= m.version;
    }

    /** Whether Softmax-like ops at {@code opset} flatten their input to 2-D at {@code axis} (before 13). */
    public static boolean softmaxFlattens(String opType, int opset) {
        return FLATTENING_SOFTMAX.contains(opType) && opset < 13;
    }

    /**
     * Refuses a default-domain node that {@code opset} cannot run as written: an op the opset does
     * not have (or no longer has), or an operand given as an attribute where the opset expects an
     * input, or the reverse.
     */
    public static void checkNode(String opType, int opset, Set<String> attributeNames, int inputCount) {
        Integer since = SINCE.get(opType);
        if (since == null) {
            throw new OpsetException(opType, opset, "Op " + opType + " is not a standard ai.onnx op known to Regula"
                    + " (opsets " + MIN_OPSET + " to " + MAX_OPSET + "); give it a custom domain or check the spelling");
        }
        if (opset < since) {
            throw new OpsetException(opType, opset, "Op " + opType + " needs opset >= " + since
                    + ", but the graph imports ai.onnx opset " + opset);
        }
        Integer removed = REMOVED.get(opType);
        if (removed != null && opset >= removed) {
            throw new OpsetException(opType, opset, "Op " + opType + " is deprecated from opset " + removed
                    + ", but the graph imports ai.onnx opset " + opset);
        }
        if (opType.equals("BatchNormalization") && opset >= 9 && attributeNames.contains("spatial")) {
            throw new OpsetException(opType, opset, "BatchNormalization at opset " + opset
                    + " has no 'spatial' attribute (removed at opset 9)");
        }
        Move m = MOVES.get(opType);
        if (m == null) {
            return;
        }
        if (opset >= m.version) {
            for (String a : m.attrs) {
                if (attributeNames.contains(a)) {
                    throw new OpsetException(opType, opset, opType + " at opset " + opset + " takes "
                            + m.inputForm + ", not as attribute '" + a + "' (the attribute form ends at opset "
                            + (m.version - 1) + ")");
                }
            }
        } else if (inputCount > 1) {
            throw new OpsetException(opType, opset, opType + " at opset " + opset + " takes one input and "
                    + String.join("/", m.attrs) + " as attribute(s); " + m.inputForm + " starts at opset "
                    + m.version + ", but " + inputCount + " inputs were given");
        }
    }

    /**
     * Why {@code node} (default domain, written for opset {@code from}) would not mean the same
     * under opset {@code to}, or empty when it would. {@code rankOf} gives a tensor's rank when known.
     */
    public static Optional<String> upgradeProblem(NodeProto node, int from, int to,
                                                  java.util.function.Function<String, OptionalInt> rankOf) {
        String op = node.getOpType();
        Set<String> attrs = new java.util.HashSet<>();
        for (AttributeProto a : node.getAttributeList()) {
            attrs.add(a.getName());
        }
        try {
            checkNode(op, to, attrs, node.getInputCount());
        } catch (OpsetException e) {
            return Optional.of(e.getMessage());
        }
        if (FLATTENING_SOFTMAX.contains(op) && from < 13 && to >= 13) {
            long axis = 1;
            for (AttributeProto a : node.getAttributeList()) {
                if (a.getName().equals("axis")) {
                    axis = a.getI();
                }
            }
            OptionalInt rank = node.getInputCount() == 0 ? OptionalInt.empty() : rankOf.apply(node.getInput(0));
            boolean last = axis == -1 || (rank.isPresent() && axis == rank.getAsInt() - 1);
            if (!last) {
                return Optional.of(op + " with axis " + axis + " flattens its input to 2-D before opset 13 and"
                        + " normalizes along one axis only from opset 13; its meaning would change"
                        + (rank.isPresent() ? " (input rank " + rank.getAsInt() + ")" : " (input rank unknown)"));
            }
        }
        if (op.equals("Resize") && from < 11 && to >= 11) {
            return Optional.of("Resize gained a 'roi' input at opset 11, so its 'scales' input moved from 1 to 2");
        }
        if (op.equals("Scan") && from < 9 && to >= 9) {
            return Optional.of("Scan dropped its 'sequence_lens' input at opset 9");
        }
        return Optional.empty();
    }

    private static Map<String, Integer> parseSince(String table) {
        Map<String, Integer> m = new HashMap<>();
        for (String entry : table.trim().split("\\s+")) {
            int colon = entry.indexOf(':');
            m.put(entry.substring(0, colon), Integer.parseInt(entry.substring(colon + 1)));
        }
        return Map.copyOf(m);
    }
}
