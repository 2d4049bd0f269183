package dev.regula.transfer.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.regula.transfer.io.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** JSON lines: one object per line, blank lines allowed. Text or numeric. */
final class JsonlReader {

    private final DatasetSpec spec;
    private final Path file;
    private final SkippedRows.Log log;
    /** Numeric with "all other fields": the names fixed by the first good row, and that row's line. */
    private List<String> featureNames;
    private long featureLine;
    private int vectorLength = -1;
    private long vectorLine;

    private JsonlReader(DatasetSpec spec, SkippedRows.Log log) {
        this.spec = spec;
        this.file = spec.path();
        this.log = log;
        this.featureNames = spec.featureFields().isEmpty() ? null : spec.featureFields();
    }

    static List<Example> read(DatasetSpec spec, SkippedRows.Log log, long budgetBytes) throws DatasetException {
        try (TextFiles in = TextFiles.open(spec.path())) {
            return new JsonlReader(spec, log).readAll(in, budgetBytes);
        }
    }

    /** Line by line: only the current line and the examples are held, never the file. */
    private List<Example> readAll(TextFiles in, long budgetBytes) throws DatasetException {
        List<Example> out = new KeptRows(budgetBytes);
        long lineNo = 0;
        boolean anyText = false;
        String line;
        while ((line = in.readLine(lineNo + 1, DatasetReader.MAX_ROW_CHARS, "the line")) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            anyText = true;
            try {
                out.add(row(line, lineNo));
            } catch (BadRow b) {
                BadRow.handle(b, file, lineNo, spec.badRows(), log);
            }
        }
        if (!anyText) {
            throw new DatasetException(file, 0, null, "empty file: no data rows");
        }
        return out;
    }

    private Example row(String line, long lineNo) throws BadRow {
        JsonNode node;
        try {
            node = Json.STRICT_LINES.readTree(line);
        } catch (JsonProcessingException e) {
            throw new BadRow("invalid JSON", null, "invalid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new BadRow("not a JSON object", null, "expected a JSON object, found " + (node == null ? "nothing" : node.getNodeType()));
        }
        String label = scalar(node, spec.labelField());
        if (label.isEmpty()) {
            throw new BadRow("empty label", spec.labelField(), "empty value in label field '" + spec.labelField() + "'");
        }
        String group = spec.groupField() == null ? null : scalar(node, spec.groupField());
        String split = spec.splitField() == null ? null : scalar(node, spec.splitField());
        String source = file + ":" + lineNo;
        if (spec.format().numeric()) {
            return new Example(null, vector(node, lineNo), label, group, split, source);
        }
        JsonNode t = required(node, spec.textField());
        if (!t.isTextual()) {
            throw new BadRow("wrong type", spec.textField(), "field '" + spec.textField() + "' must be a string, found " + t.getNodeType());
        }
        return new Example(t.asText(), null, label, group, split, source);
    }

    private float[] vector(JsonNode node, long lineNo) throws BadRow {
        if (featureNames == null) {
            featureNames = otherFields(node);
            featureLine = lineNo;
            if (featureNames.isEmpty()) {
                featureNames = null;
                throw new BadRow("no feature fields", null, "no feature fields besides label/group/split; fields present " + names(node));
            }
        } else if (spec.featureFields().isEmpty()) {
            List<String> here = otherFields(node);
            if (!new HashSet<>(here).equals(new HashSet<>(featureNames))) {
                throw new BadRow("different fields", null, "feature fields " + here + " differ from " + featureNames
                        + " on line " + featureLine);
            }
        }
        List<Float> values = new ArrayList<>();
        for (String f : featureNames) {
            JsonNode v = required(node, f);
            if (v.isArray()) {
                for (JsonNode e : v) {
                    values.add(number(e, f));
                }
            } else {
                values.add(number(v, f));
            }
        }
        if (vectorLength < 0) {
            vectorLength = values.size();
            vectorLine = lineNo;
        } else if (values.size() != vectorLength) {
            throw new BadRow("wrong vector length", null, "vector has " + values.size() + " values, expected "
                    + vectorLength + " as on line " + vectorLine);
        }
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    private static float number(JsonNode v, String field) throws BadRow {
        if (!v.isNumber()) {
            throw new BadRow("non-numeric value", field, "non-numeric value " + NumberParsing.abbreviate(v.toString())
                    + " in '" + field + "', expected a number or an array of numbers");
        }
        return NumberParsing.finite(v.floatValue(), v.asText(), field);
    }

    private List<String> otherFields(JsonNode node) {
        Set<String> roles = new HashSet<>();
        roles.add(spec.labelField());
        if (spec.groupField() != null) {
            roles.add(spec.groupField());
        }
        if (spec.splitField() != null) {
            roles.add(spec.splitField());
        }
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(n -> {
            if (!roles.contains(n)) {
                out.add(n);
            }
        });
        return out;
    }

    private static JsonNode required(JsonNode node, String field) throws BadRow {
        JsonNode v = node.get(field);
        if (v == null) {
            throw new BadRow("missing field '" + field + "'", field, "missing field '" + field + "'; the row has fields " + names(node));
        }
        return v;
    }

    private static String scalar(JsonNode node, String field) throws BadRow {
        JsonNode v = required(node, field);
        if (!(v.isTextual() || v.isIntegralNumber() || v.isBoolean())) {
            throw new BadRow("wrong type", field, "field '" + field + "' must be a string or an integer, found " + v.getNodeType());
        }
        return v.asText();
    }

    private static List<String> names(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
