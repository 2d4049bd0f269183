package dev.regula.cli;

import dev.regula.pipeline.predict.ModelRequest;
import dev.regula.pipeline.run.Json;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.predict.Prediction;
import dev.regula.pipeline.predict.Predictor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code regula predict MODEL --text "..." | --input FILE}. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Label texts with an exported model.",
                "The tokenizer, maximum length and class names come from the export folder and the model's metadata."})
final class PredictCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    LoggingMixin logging;

    @Parameters(index = "0", paramLabel = "MODEL", description = "model.onnx written by Regula, or its folder.")
    Path model;

    static final class Source {
        @Option(names = "--text", description = "A text to label (repeatable).")
        List<String> texts;

        @Option(names = "--input", paramLabel = "FILE", description = "A file with one text per line (UTF-8; - for standard input).")
        Path input;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda or auto (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--json", description = "Print one JSON object per text.")
    boolean json;

    @Override
    public Integer call() throws RegulaException {
        List<String> texts = source.texts != null ? source.texts : readLines(source.input);
        ModelRequest request;
        try {
            request = ModelRequest.of(model, device);
        } catch (IllegalArgumentException e) {
            throw new RegulaException("--device: " + e.getMessage(), e);
        }
        List<Prediction> predictions;
        try (Predictor p = Predictor.open(request)) {
            predictions = p.predict(texts);
        }
        PrintWriter out = spec.commandLine().getOut();
        for (int i = 0; i < texts.size(); i++) {
            Prediction pr = predictions.get(i);
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("label", pr.label());
                m.put("probabilities", pr.probabilities());
                out.println(Json.compact(m));
            } else {
                StringBuilder sb = new StringBuilder(pr.label());
                pr.probabilities().forEach((k, v) -> sb.append(String.format(Locale.ROOT, "\t%s=%.4f", k, v)));
                String t = texts.get(i).replaceAll("\\s+", " ");
                sb.append('\t').append(t.length() > 60 ? t.substring(0, 57) + "..." : t);
                out.println(sb);
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static List<String> readLines(Path file) throws RegulaException {
        boolean stdin = file.toString().equals("-");
        String name = stdin ? "standard input" : file.toString();
        try (java.io.BufferedReader r = stdin
                ? new java.io.BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8.newDecoder()))
                : Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            List<String> lines = new ArrayList<>();
            for (String l = r.readLine(); l != null; l = r.readLine()) {
                if (!l.isBlank()) {
                    lines.add(l);
                }
            }
            if (lines.isEmpty()) {
                throw new RegulaException(name + ": no texts (expected one text per line)");
            }
            return lines;
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new RegulaException(name + ": not UTF-8 text", e);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new RegulaException("--input: file not found: " + file + " (expected a file with one text per line, or - for standard input)", e);
        } catch (IOException e) {
            throw new RegulaException(name + ": cannot read: " + e.getMessage(), e);
        }
    }
}
