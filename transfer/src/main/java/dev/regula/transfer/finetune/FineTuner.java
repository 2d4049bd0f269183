package dev.regula.transfer.finetune;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.regula.transfer.head.HeadActivation;
import dev.regula.transfer.head.HeadSpec;
import dev.regula.transfer.head.LayerWeights;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Trains the unfrozen top of a backbone (an {@link OnnxInterpreter} from the cut to the pooled
 * features) and a softmax head (linear, or an MLP) on cached hidden states, under a {@link FineTuneSpec}:
 * discriminative learning rates, L2-SP toward the pretrained weights, dropout on the hidden states,
 * LP-FT, early stopping on validation NLL (the best epoch's weights are kept).
 *
 * <p>Weight penalties are decoupled from Adam, as AdamW decouples weight decay (Loshchilov &amp;
 * Hutter 2019), and applied as an exact proximal step after each update:
 * {@code w <- w0 + (w - w0) / (1 + lr * l2sp)} for L2-SP, {@code w <- w / (1 + lr * l2)} for plain
 * L2. A coupled penalty would be rescaled away by Adam's per-weight normalization; the proximal step
 * holds the weights at the pretrained values as the strength grows, for any learning rate.
 */
public final class FineTuner {
    private FineTuner() {
    }

    /**
     * One epoch: mean training loss (cross-entropy, before penalties) and accuracy over the epoch's
     * batches as they were trained (with dropout), and validation NLL and accuracy in inference mode.
     */
    public record Epoch(String phase, int epoch, double trainLoss, double trainAccuracy, double trainMacroF1, double valLoss,
                        double valAccuracy, double valMacroF1) {
    }

    /**
     * The trained head, {@code layers} from input to classes ({@code W [out][in]}, as
     * {@link dev.regula.transfer.train.TrainedHead} holds them); the unfrozen layers' trained values are
     * the interpreter's parameters (write them back with {@link OnnxInterpreter#writeBack}).
     */
    public record Result(List<LayerWeights> layers, int dim, int classes, double initialValLoss, double bestValLoss,
                         String bestPhase, int bestEpoch, List<Epoch> history) {
        public Result {
            layers = List.copyOf(layers);
            history = List.copyOf(history);
        }

        /** A linear head's weight, row-major {@code [dim, classes]}. */
        public float[] weight() {
            LayerWeights l = linear();
            float[] w = new float[l.in() * l.out()];
            for (int o = 0; o < l.out(); o++) {
                for (int i = 0; i < l.in(); i++) {
                    w[i * l.out() + o] = l.w()[o][i];
                }
            }
            return w;
        }

        /** A linear head's bias. */
        public float[] bias() {
            return linear().b().clone();
        }

        private LayerWeights linear() {
            if (layers.size() != 1) {
                throw new IllegalStateException("the head has " + layers.size() + " layers; weight() and bias() are a linear head's");
            }
            return layers.get(0);
        }
    }

    /**
     * Trains in place: on return the interpreter's parameters hold the best epoch's values.
     *
     * @param top    interpreter fed {@code cut} (and {@code mask}, when it reads it) whose one output is pooled features {@code [B, d]}
     * @param cut    the name of the hidden-state feed
     * @param mask   the name of the attention-mask feed
     * @param parent manager for the optimizer state and the batches; nothing is left in it
     */
    public static Result train(OnnxInterpreter top, String cut, String mask, CutBatches train, int[] trainLabels, CutBatches val,
                               int[] valLabels, int classes, FineTuneSpec spec, NDManager parent) throws InterpreterException {
        return train(top, cut, mask, train, trainLabels, val, valLabels, classes, HeadSpec.linear(), spec, parent);
    }

    /**
     * As {@link #train(OnnxInterpreter, String, String, CutBatches, int[], CutBatches, int[], int, FineTuneSpec, NDManager)},
     * with the head {@code head} describes: linear, or an MLP (hidden layers initialized
     * He-normal for relu, Xavier-normal otherwise, from the spec's seed; the output layer as a linear head's).
     */
    public static Result train(OnnxInterpreter top, String cut, String mask, CutBatches train, int[] trainLabels, CutBatches val,
                               int[] valLabels, int classes, HeadSpec head, FineTuneSpec spec, NDManager parent)
            throws InterpreterException {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(head, "head");
        check("train", train, trainLabels, classes);
        check("val", val, valLabels, classes);
        if (top.subgraph().outputs().size() != 1) {
            throw new InterpreterException("the fine-tuned top has outputs " + top.subgraph().outputs() + ", expected one (pooled features)");
        }
        Run run = new Run(top, cut, mask, spec, head, classes);
        try (NDManager state = parent.newSubManager()) {
            return run.go(state, train, trainLabels, val, valLabels);
        }
    }

    private static void check(String split, CutBatches b, int[] labels, int classes) {
        if (b.size() != labels.length || b.size() == 0) {
            throw new IllegalArgumentException(split + " has " + b.size() + " examples and " + labels.length
                    + " labels, expected equal and > 0");
        }
        for (int y : labels) {
            if (y < 0 || y >= classes) {
                throw new IllegalArgumentException(split + " label " + y + " is out of range, expected 0.." + (classes - 1));
            }
        }
    }

    /** One training run's state. */
    private static final class Run {
        private final OnnxInterpreter top;
        private final String cut;
        private final String mask;
        private final FineTuneSpec spec;
        private final HeadSpec head;
        private final int classes;
        private final List<NDArray> backbone;
        private final List<Epoch> history = new ArrayList<>();
        /** Per head layer, weight {@code [in, out]} then bias {@code [out]}. */
        private final List<NDArray> headParams = new ArrayList<>();
        private List<NDArray> best;
        private double bestLoss = Double.POSITIVE_INFINITY;
        private String bestPhase = "initial";
        private int bestEpoch;
        private long steps;

        Run(OnnxInterpreter top, String cut, String mask, FineTuneSpec spec, HeadSpec head, int classes) {
            this.top = top;
            this.cut = cut;
            this.mask = mask;
            this.spec = spec;
            this.head = head;
            this.classes = classes;
            this.backbone = new ArrayList<>(top.parameters().values());
        }

        Result go(NDManager state, CutBatches train, int[] trainLabels, CutBatches val, int[] valLabels) throws InterpreterException {
            List<NDArray> pretrained = new ArrayList<>();
            for (NDArray p : backbone) {
                NDArray c = p.duplicate();
                c.attach(state);
                pretrained.add(c);
            }
            int dim;
            try (NDManager probe = state.newSubManager()) {
                dim = Math.toIntExact(forward(probe, val, new int[] {0}, false).getShape().get(1));
            }
            Random rnd = new Random(spec.seed());
            int[] widths = head.widths(dim, classes);
            for (int l = 0; l + 1 < widths.length; l++) {
                boolean output = l + 2 == widths.length;
                float[] w0 = new float[widths[l] * widths[l + 1]];
                // The output layer starts at 0 for a probe (as a linear probe does) and small for joint
                // training; hidden layers need a scaled random start or they would stay symmetric.
                double scale;
                if (!output) {
                    scale = head.activation() == HeadActivation.RELU ? Math.sqrt(2.0 / widths[l])
                            : Math.sqrt(2.0 / (widths[l] + widths[l + 1]));
                } else {
                    scale = spec.schedule() == FineTuneSpec.Schedule.JOINT ? 0.02 : 0;
                }
                for (int i = 0; i < w0.length && scale > 0; i++) {
                    w0[i] = (float) (rnd.nextGaussian() * scale);
                }
                NDArray w = state.create(w0, new Shape(widths[l], widths[l + 1]));
                NDArray b = state.zeros(new Shape(widths[l + 1]));
                w.setRequiresGradient(true);
                b.setRequiresGradient(true);
                headParams.add(w);
                headParams.add(b);
            }
            Adam headOpt = new Adam(state, headParams);
            Adam backboneOpt = backbone.isEmpty() ? null : new Adam(state, backbone);
            double initial = valLoss(state, val, valLabels, null)[0];
            keep(state, initial, "initial", 0);

            if (spec.schedule() != FineTuneSpec.Schedule.JOINT) {
                int epochs = spec.schedule() == FineTuneSpec.Schedule.FROZEN ? spec.epochs() : spec.probeEpochs();
                probe(state, train, trainLabels, val, valLabels, headOpt, epochs, rnd);
            }
            if (spec.schedule() != FineTuneSpec.Schedule.FROZEN) {
                finetune(state, train, trainLabels, val, valLabels, headOpt, backboneOpt, pretrained, rnd);
            }
            restoreBest(state);
            List<LayerWeights> layers = new ArrayList<>();
            for (int l = 0; l < headParams.size(); l += 2) {
                NDArray w = headParams.get(l);
                int in = Math.toIntExact(w.getShape().get(0));
                int out = Math.toIntExact(w.getShape().get(1));
                float[] flat = w.toFloatArray();
                float[] transposed = new float[flat.length];
                for (int i = 0; i < in; i++) {
                    for (int o = 0; o < out; o++) {
                        transposed[o * in + i] = flat[i * out + o];
                    }
                }
                layers.add(LayerWeights.ofFlat(transposed, out, in, headParams.get(l + 1).toFloatArray()));
            }
            return new Result(layers, dim, classes, initial, bestLoss, bestPhase, bestEpoch, history);
        }

        /** The head's weights, not its biases: what the head's L2 acts on. */
        private List<NDArray> headWeights() {
            List<NDArray> w = new ArrayList<>();
            for (int l = 0; l < headParams.size(); l += 2) {
                w.add(headParams.get(l));
            }
            return w;
        }

        /** The linear probe: the head on features computed once with the layers frozen. */
        private void probe(NDManager state, CutBatches train, int[] trainLabels, CutBatches val, int[] valLabels, Adam headOpt,
                           int epochs, Random rnd) throws InterpreterException {
            try (NDManager feats = state.newSubManager()) {
                NDArray trainF = features(feats, train);
                NDArray valF = features(feats, val);
                int stale = 0;
                for (int e = 1; e <= epochs && stale < spec.patience(); e++) {
                    double[] sum = new double[2];
                    int[][] confusion = new int[classes][classes];
                    int[] order = shuffled(train.size(), rnd);
                    for (int start = 0; start < order.length; start += spec.batchSize()) {
                        int[] rows = java.util.Arrays.copyOfRange(order, start, Math.min(order.length, start + spec.batchSize()));
                        try (NDManager batch = state.newSubManager()) {
                            NDArray x = trainF.get(batch.create(toLongs(rows)));
                            x.attach(batch);
                            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                                NDArray logits = logits(x);
                                NDArray loss = crossEntropy(batch, logits, trainLabels, rows);
                                gc.backward(loss);
                                sum[0] += loss.getFloat() * rows.length;
                                sum[1] += tally(logits, trainLabels, rows, confusion);
                            }
                            headOpt.step(spec.headLearningRate(), batch);
                            decay(batch, headWeights(), null, spec.headLearningRate() * spec.l2Head());
                        }
                    }
                    double[] v = valLoss(state, val, valLabels, valF);
                    history.add(new Epoch("probe", e, sum[0] / train.size(), sum[1] / train.size(), macroF1(confusion), v[0], v[1], v[2]));
                    stale = keep(state, v[0], "probe", e) ? 0 : stale + 1;
                }
            }
        }

        private void finetune(NDManager state, CutBatches train, int[] trainLabels, CutBatches val, int[] valLabels, Adam headOpt,
                              Adam backboneOpt, List<NDArray> pretrained, Random rnd) throws InterpreterException {
            int stale = 0;
            for (int e = 1; e <= spec.epochs() && stale < spec.patience(); e++) {
                double[] sum = new double[2];
                int[][] confusion = new int[classes][classes];
                int[] order = shuffled(train.size(), rnd);
                for (int start = 0; start < order.length; start += spec.batchSize()) {
                    int[] rows = java.util.Arrays.copyOfRange(order, start, Math.min(order.length, start + spec.batchSize()));
                    try (NDManager batch = state.newSubManager()) {
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            NDArray logits = logits(forward(batch, train, rows, true));
                            NDArray loss = crossEntropy(batch, logits, trainLabels, rows);
                            gc.backward(loss);
                            sum[0] += loss.getFloat() * rows.length;
                            sum[1] += tally(logits, trainLabels, rows, confusion);
                        }
                        headOpt.step(spec.headLearningRate(), batch);
                        decay(batch, headWeights(), null, spec.headLearningRate() * spec.l2Head());
                        if (backboneOpt != null) {
                            backboneOpt.step(spec.backboneLearningRate(), batch);
                            decay(batch, backbone, pretrained, spec.backboneLearningRate() * spec.l2sp());
                            decay(batch, backbone, null, spec.backboneLearningRate() * spec.l2Backbone());
                        }
                    }
                }
                double[] v = valLoss(state, val, valLabels, null);
                history.add(new Epoch("finetune", e, sum[0] / train.size(), sum[1] / train.size(), macroF1(confusion), v[0], v[1], v[2]));
                stale = keep(state, v[0], "finetune", e) ? 0 : stale + 1;
            }
        }

        /** The proximal step of an L2 penalty of strength {@code rate / lr}: toward {@code anchors} (L2-SP), or toward 0 when null. */
        private static void decay(NDManager m, List<NDArray> params, List<NDArray> anchors, double rate) {
            if (rate <= 0) {
                return;
            }
            for (int i = 0; i < params.size(); i++) {
                NDArray p = Adam.view(params.get(i), m);
                if (anchors == null) {
                    p.divi(1 + rate);
                } else {
                    NDArray a = Adam.view(anchors.get(i), m);
                    p.subi(a).divi(1 + rate).addi(a);
                }
            }
        }

        /** Pooled features of {@code rows}; with {@code dropout}, hidden-state dropout with a mask drawn from the run's seed. */
        private NDArray forward(NDManager batch, CutBatches data, int[] rows, boolean dropout) throws InterpreterException {
            NDList in = data.batch(batch, rows);
            NDArray hidden = in.get(0);
            if (dropout && spec.hiddenDropout() > 0) {
                hidden = hidden.mul(dropoutMask(batch, hidden.getShape()));
            }
            Map<String, NDArray> feeds = top.feeds().contains(mask) ? Map.of(cut, hidden, mask, in.get(1)) : Map.of(cut, hidden);
            return top.forward(batch, feeds).values().iterator().next();
        }

        private NDArray dropoutMask(NDManager batch, Shape shape) {
            Random r = new Random(spec.seed() * 1_000_003L + (++steps));
            float keep = (float) (1 / (1 - spec.hiddenDropout()));
            float[] m = new float[Math.toIntExact(shape.size())];
            for (int i = 0; i < m.length; i++) {
                m[i] = r.nextDouble() < spec.hiddenDropout() ? 0f : keep;
            }
            return batch.create(m, shape);
        }

        private NDArray features(NDManager m, CutBatches data) throws InterpreterException {
            List<NDArray> parts = new ArrayList<>();
            for (int start = 0; start < data.size(); start += spec.batchSize()) {
                int[] rows = range(start, Math.min(data.size(), start + spec.batchSize()));
                try (NDManager batch = m.newSubManager()) {
                    NDArray f = forward(batch, data, rows, false);
                    f.attach(m);
                    parts.add(f);
                }
            }
            return ai.djl.ndarray.NDArrays.concat(new NDList(parts), 0);
        }

        /** The head's logits on pooled features {@code x}. */
        private NDArray logits(NDArray x) {
            NDArray h = x;
            for (int l = 0; l < headParams.size(); l += 2) {
                h = h.matMul(headParams.get(l)).add(headParams.get(l + 1));
                if (l + 2 < headParams.size()) {
                    h = head.activation().apply(h);
                }
            }
            return h;
        }

        /** Counts predictions into {@code confusion[truth][predicted]}; the number right. */
        private static int tally(NDArray logits, int[] labels, int[] rows, int[][] confusion) {
            long[] pred = logits.argMax(1).toLongArray();
            int c = 0;
            for (int k = 0; k < rows.length; k++) {
                int y = labels[rows[k]];
                confusion[y][(int) pred[k]]++;
                c += pred[k] == y ? 1 : 0;
            }
            return c;
        }

        /** Mean F1 over the classes that occur in the labels or the predictions, as {@link dev.regula.transfer.train.Metrics} has it. */
        private static double macroF1(int[][] confusion) {
            double sum = 0;
            int seen = 0;
            for (int c = 0; c < confusion.length; c++) {
                double tp = confusion[c][c];
                double fp = 0;
                double fn = 0;
                for (int o = 0; o < confusion.length; o++) {
                    if (o != c) {
                        fp += confusion[o][c];
                        fn += confusion[c][o];
                    }
                }
                if (tp + fp + fn > 0) {
                    seen++;
                    sum += 2 * tp / (2 * tp + fp + fn);
                }
            }
            return seen == 0 ? 0 : sum / seen;
        }

        private NDArray crossEntropy(NDManager batch, NDArray logits, int[] labels, int[] rows) {
            float[] onehot = new float[rows.length * classes];
            for (int k = 0; k < rows.length; k++) {
                onehot[k * classes + labels[rows[k]]] = 1f;
            }
            NDArray y = batch.create(onehot, new Shape(rows.length, classes));
            return logits.logSoftmax(1).mul(y).sum(new int[] {1}).neg().mean();
        }

        /** Validation NLL, accuracy and macro-F1. */
        private double[] valLoss(NDManager state, CutBatches val, int[] labels, NDArray cached) throws InterpreterException {
            double sum = 0;
            double hits = 0;
            int[][] confusion = new int[classes][classes];
            for (int start = 0; start < val.size(); start += spec.batchSize()) {
                int[] rows = range(start, Math.min(val.size(), start + spec.batchSize()));
                try (NDManager batch = state.newSubManager()) {
                    NDArray x;
                    if (cached != null) {
                        x = cached.get(batch.create(toLongs(rows)));
                        x.attach(batch);
                    } else {
                        x = forward(batch, val, rows, false);
                    }
                    NDArray logits = logits(x);
                    sum += crossEntropy(batch, logits, labels, rows).getFloat() * rows.length;
                    hits += tally(logits, labels, rows, confusion);
                }
            }
            return new double[] {sum / val.size(), hits / val.size(), macroF1(confusion)};
        }

        /** Keeps a copy of the weights when {@code loss} is the lowest yet; whether it was. */
        private boolean keep(NDManager state, double loss, String phase, int epoch) {
            if (!(loss < bestLoss)) {
                return false;
            }
            bestLoss = loss;
            bestPhase = phase;
            bestEpoch = epoch;
            if (best != null) {
                best.forEach(NDArray::close);
            }
            best = new ArrayList<>();
            for (NDArray p : all()) {
                NDArray c = p.duplicate();
                c.attach(state);
                best.add(c);
            }
            return true;
        }

        private void restoreBest(NDManager state) {
            List<NDArray> all = all();
            try (NDManager m = state.newSubManager()) {
                for (int i = 0; i < all.size(); i++) {
                    NDArray p = Adam.view(all.get(i), m);
                    p.subi(p).addi(best.get(i));
                }
            }
        }

        private List<NDArray> all() {
            List<NDArray> all = new ArrayList<>(backbone);
            all.addAll(headParams);
            return all;
        }

        private static int[] shuffled(int n, Random rnd) {
            int[] a = range(0, n);
            for (int i = n - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int t = a[i];
                a[i] = a[j];
                a[j] = t;
            }
            return a;
        }

        private static int[] range(int from, int to) {
            int[] a = new int[to - from];
            for (int i = 0; i < a.length; i++) {
                a[i] = from + i;
            }
            return a;
        }

        private static long[] toLongs(int[] a) {
            long[] out = new long[a.length];
            for (int i = 0; i < a.length; i++) {
                out[i] = a[i];
            }
            return out;
        }
    }
}
