package dev.regula.benchmarks;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.regula.models.OnnxModel;
import dev.regula.transfer.backbone.Backbone;
import dev.regula.transfer.backbone.FeatureModel;
import dev.regula.transfer.backbone.FeatureModelBuilder;
import dev.regula.transfer.backbone.FeatureSpec;
import dev.regula.transfer.backbone.Pooling;
import dev.regula.transfer.finetune.InterpreterOptions;
import dev.regula.transfer.finetune.LayerBoundaries;
import dev.regula.transfer.finetune.OnnxInterpreter;
import dev.regula.transfer.finetune.TransformerLayer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Forward and backward step time through MiniLM's last encoder layer, interpreted from its ONNX
 * graph by {@link OnnxInterpreter}, plus mean pooling, L2 normalization (both ONNX nodes of the
 * feature model) and a linear 2-class head with cross-entropy, at batch 16 x 128 tokens; the peer is
 * the same layer in PyTorch ({@code unfreeze_step_torch.py}) with the weights read from the ONNX
 * initializers. Both run on one deterministic batch (every other row padded to 3/4 of the tokens)
 * and print their first loss, which must agree. Rounds alternate Regula and PyTorch; the step times
 * are medians over the timed steps, then over the rounds. Ends with one line of key=value pairs.
 *
 * <p>Options: {@code --rounds 3 --warmup 3 --steps 10 --batch 16 --tokens 128 --python /usr/bin/python3
 * --cache benchmarks/target/backbone-cache}. libtorch's threads come from the JVM's
 * {@code ai.djl.pytorch.num_threads} (the run script sets 1); the peer gets as many.
 */
public final class UnfreezeStepBenchmark {
    private UnfreezeStepBenchmark() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("rounds", "3");
        o.put("warmup", "3");
        o.put("steps", "10");
        o.put("batch", "16");
        o.put("tokens", "128");
        o.put("python", "/usr/bin/python3");
        o.put("cache", "benchmarks/target/backbone-cache");
        Options.parse(o, args);
        int batch = Integer.parseInt(o.get("batch"));
        int tokens = Integer.parseInt(o.get("tokens"));
        int threads = Integer.parseInt(System.getProperty("ai.djl.pytorch.num_threads", "1"));

        Backbone backbone = Backbone.load(HeadTrainBenchmark.ARTIFACT + "all-minilm-l6-v2.onnx",
                HeadTrainBenchmark.ARTIFACT + "all-minilm-l6-v2-tokenizer.json", Path.of(o.get("cache")));
        FeatureModel fm = FeatureModelBuilder.build(backbone, new FeatureSpec("last_hidden_state", Pooling.MEAN, true));
        OnnxModel model = OnnxModel.of(fm.proto());
        List<TransformerLayer> layers = LayerBoundaries.detect(model.proto().getGraph());
        TransformerLayer last = layers.get(layers.size() - 1);
        Set<String> trainable = LayerBoundaries.initializersOf(model.proto().getGraph(), List.of(last));

        List<Double> regula = new ArrayList<>();
        List<Double> torch = new ArrayList<>();
        String regulaLoss = null;
        String torchLoss = null;
        String torchVersion = null;
        try (NDManager root = Engine.getInstance().newBaseManager();
             OnnxInterpreter top = OnnxInterpreter.create(model, List.of(last.input()), List.of(FeatureModel.OUTPUT),
                     InterpreterOptions.defaults().withTrainable(trainable::contains), root)) {
            Step step = new Step(top, last.input(), root, batch, tokens);
            for (int r = 1; r <= Integer.parseInt(o.get("rounds")); r++) {
                double first = step.run();
                for (int w = 1; w < Integer.parseInt(o.get("warmup")); w++) {
                    step.run();
                }
                List<Double> ms = new ArrayList<>();
                for (int s = 0; s < Integer.parseInt(o.get("steps")); s++) {
                    long t0 = System.nanoTime();
                    step.run();
                    ms.add((System.nanoTime() - t0) / 1e6);
                }
                regula.add(Stats.median(ms));
                regulaLoss = String.format(Locale.ROOT, "%.7f", first);
                Map<String, String> peer = peer(o, backbone.model().file(), last.prefix(), threads);
                torch.add(Double.parseDouble(peer.get("torch_step_ms")));
                torchLoss = peer.get("torch_first_loss");
                torchVersion = peer.get("torch_version");
                System.out.printf(Locale.ROOT, "round %d: regula %.1f ms/step, torch %s ms/step (first loss %s vs %s)%n",
                        r, regula.get(regula.size() - 1), peer.get("torch_step_ms"), regulaLoss, torchLoss);
            }
        }
        double rm = Stats.median(regula);
        double tm = Stats.median(torch);
        System.out.printf(Locale.ROOT, "benchmark=unfreeze-step batch=%d tokens=%d threads=%d regula_step_ms=%.1f torch_step_ms=%.1f"
                        + " ratio=%.3f regula_first_loss=%s torch_first_loss=%s torch_version=%s cores=%d%n",
                batch, tokens, threads, rm, tm, rm / tm, regulaLoss, torchLoss, torchVersion, Runtime.getRuntime().availableProcessors());
    }

    /** One forward + backward pass on the fixed batch; the gradients are zeroed first. */
    private static final class Step {
        private final OnnxInterpreter top;
        private final String cut;
        private final NDManager root;
        private final float[] x;
        private final long[] mask;
        private final float[] onehot;
        private final NDArray weight;
        private final NDArray bias;
        private final int batch;
        private final int tokens;

        Step(OnnxInterpreter top, String cut, NDManager root, int batch, int tokens) {
            this.top = top;
            this.cut = cut;
            this.root = root;
            this.batch = batch;
            this.tokens = tokens;
            int d = 384;
            x = new float[batch * tokens * d];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) Math.sin(0.001 * i);
            }
            mask = new long[batch * tokens];
            onehot = new float[batch * 2];
            for (int r = 0; r < batch; r++) {
                int len = r % 2 == 0 ? tokens : tokens * 3 / 4;
                for (int t = 0; t < len; t++) {
                    mask[r * tokens + t] = 1;
                }
                onehot[r * 2 + r % 2] = 1;
            }
            float[] w = new float[d * 2];
            for (int j = 0; j < d; j++) {
                for (int c = 0; c < 2; c++) {
                    w[j * 2 + c] = (float) (0.5 * Math.cos(j + c));
                }
            }
            weight = root.create(w, new Shape(d, 2));
            bias = root.zeros(new Shape(2));
            weight.setRequiresGradient(true);
            bias.setRequiresGradient(true);
        }

        double run() throws Exception {
            List<NDArray> all = new ArrayList<>(top.parameters().values());
            all.add(weight);
            all.add(bias);
            try (NDManager m = root.newSubManager()) {
                for (NDArray p : all) {
                    NDArray g = p.getGradient();
                    g.attach(m);
                    g.subi(g);
                }
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray pooled = top.forward(m, Map.of(cut, m.create(x, new Shape(batch, tokens, 384)),
                            "attention_mask", m.create(mask, new Shape(batch, tokens)))).get(FeatureModel.OUTPUT);
                    NDArray logits = pooled.matMul(weight).add(bias);
                    NDArray loss = logits.logSoftmax(1).mul(m.create(onehot, new Shape(batch, 2))).sum(new int[] {1}).neg().mean();
                    gc.backward(loss);
                    return loss.getFloat();
                }
            }
        }
    }

    private static Map<String, String> peer(Map<String, String> o, Path model, String prefix, int threads) throws Exception {
        List<String> cmd = List.of(o.get("python"), "-s", "benchmarks/unfreeze_step_torch.py", "--model", model.toString(),
                "--layer", prefix, "--batch", o.get("batch"), "--tokens", o.get("tokens"), "--warmup", o.get("warmup"),
                "--steps", o.get("steps"), "--threads", Integer.toString(threads));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String last = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                last = line;
                if (!line.contains("torch_step_ms=")) {
                    System.out.println("peer: " + line);
                }
            }
        }
        int rc = p.waitFor();
        if (rc != 0 || last == null || !last.contains("torch_step_ms=")) {
            throw new IllegalStateException("the PyTorch peer exited with " + rc + " without a result line: " + last);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String kv : last.trim().split(" ")) {
            int eq = kv.indexOf('=');
            out.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return out;
    }
}
