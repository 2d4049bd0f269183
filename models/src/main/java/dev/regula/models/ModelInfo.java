package dev.regula.models;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link OnnxModel#inspect()} reports about a model.
 *
 * @param irVersion        the file's IR version
 * @param producerName     producer name, empty when absent
 * @param producerVersion  producer version, empty when absent
 * @param opsetImports     domain to opset version, in file order; the default domain is {@code ""}
 * @param inputs           graph inputs that are fed at run time (initializers listed as inputs by old IR versions are left out)
 * @param outputs          graph outputs
 * @param initializerCount dense plus sparse initializers of the main graph
 * @param initializerBytes their data size, counting external data at its referenced length
 * @param parameterCount   sum over dense initializers of the product of their dims (stored values for sparse ones)
 * @param metadata         {@code metadata_props}, in file order
 */
public record ModelInfo(long irVersion, String producerName, String producerVersion, Map<String, Long> opsetImports,
                        List<TensorInfo> inputs, List<TensorInfo> outputs, int initializerCount, long initializerBytes,
                        long parameterCount, Map<String, String> metadata) {
    public ModelInfo {
        Objects.requireNonNull(producerName, "producerName");
        Objects.requireNonNull(producerVersion, "producerVersion");
        opsetImports = Collections.unmodifiableMap(new LinkedHashMap<>(opsetImports));
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        if (initializerCount < 0 || initializerBytes < 0 || parameterCount < 0) {
            throw new IllegalArgumentException("counts must be >= 0, got " + initializerCount + ", "
                    + initializerBytes + ", " + parameterCount);
        }
    }

    /** Indented JSON; dims are numbers when fixed, strings when symbolic, {@code "?"} when unknown. */
    public String toJson() {
        StringBuilder sb = new StringBuilder("{\n");
        sb.append("  \"irVersion\": ").append(irVersion).append(",\n");
        sb.append("  \"producerName\": ").append(Json.quote(producerName)).append(",\n");
        sb.append("  \"producerVersion\": ").append(Json.quote(producerVersion)).append(",\n");
        sb.append("  \"opsetImports\": {");
        List<String> opsets = new ArrayList<>();
        opsetImports.forEach((d, v) -> opsets.add(Json.quote(d) + ": " + v));
        sb.append(String.join(", ", opsets)).append("},\n");
        sb.append("  \"inputs\": ").append(tensorsJson(inputs)).append(",\n");
        sb.append("  \"outputs\": ").append(tensorsJson(outputs)).append(",\n");
        sb.append("  \"initializerCount\": ").append(initializerCount).append(",\n");
        sb.append("  \"initializerBytes\": ").append(initializerBytes).append(",\n");
        sb.append("  \"parameterCount\": ").append(parameterCount).append(",\n");
        sb.append("  \"metadata\": {");
        List<String> meta = new ArrayList<>();
        metadata.forEach((k, v) -> meta.add("\n    " + Json.quote(k) + ": " + Json.quote(v)));
        sb.append(String.join(",", meta)).append(meta.isEmpty() ? "}\n" : "\n  }\n");
        return sb.append("}\n").toString();
    }

    private static String tensorsJson(List<TensorInfo> ts) {
        if (ts.isEmpty()) {
            return "[]";
        }
        List<String> items = new ArrayList<>();
        for (TensorInfo t : ts) {
            String shape;
            if (t.shape() == null) {
                shape = "null";
            } else {
                List<String> dims = new ArrayList<>();
                for (Dim d : t.shape()) {
                    dims.add(d.isFixed() ? Long.toString(d.value()) : Json.quote(d.toString()));
                }
                shape = "[" + String.join(", ", dims) + "]";
            }
            items.add("\n    {\"name\": " + Json.quote(t.name()) + ", \"elemType\": " + Json.quote(t.elemType())
                    + ", \"shape\": " + shape + "}");
        }
        return "[" + String.join(",", items) + "\n  ]";
    }

    /** A table for people: header lines, then inputs and outputs in aligned columns, then metadata. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append("ir_version    ").append(irVersion).append('\n');
        sb.append("producer      ").append(producerName.isEmpty() ? "(none)" : producerName)
                .append(producerVersion.isEmpty() ? "" : " " + producerVersion).append('\n');
        List<String> opsets = new ArrayList<>();
        opsetImports.forEach((d, v) -> opsets.add((d.isEmpty() ? "ai.onnx" : d) + " " + v));
        sb.append("opsets        ").append(opsets.isEmpty() ? "(none)" : String.join(", ", opsets)).append('\n');
        sb.append("initializers  ").append(initializerCount).append(" tensors, ").append(humanBytes(initializerBytes))
                .append(", ").append(String.format(Locale.ROOT, "%,d", parameterCount)).append(" parameters\n");
        sb.append('\n');
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"", "NAME", "TYPE", "SHAPE"});
        for (TensorInfo t : inputs) {
            rows.add(new String[] {"input", t.name(), t.elemType(), t.shapeText()});
        }
        for (TensorInfo t : outputs) {
            rows.add(new String[] {"output", t.name(), t.elemType(), t.shapeText()});
        }
        table(sb, rows);
        if (!metadata.isEmpty()) {
            sb.append('\n');
            List<String[]> meta = new ArrayList<>();
            meta.add(new String[] {"METADATA", "VALUE"});
            // Values may span lines; keep the table one row per key, and long ones (an ensemble's member
            // list) to one screen line: toJson() holds them whole.
            metadata.forEach((k, v) -> meta.add(new String[] {k, shorten(v.replace("\n", "\\n"))}));
            table(sb, meta);
        }
        return sb.toString();
    }

    /** Metadata values longer than this are cut in {@link #toText()}. */
    public static final int TEXT_VALUE_CHARS = 100;

    private static String shorten(String v) {
        if (v.length() <= TEXT_VALUE_CHARS) {
            return v;
        }
        return v.substring(0, TEXT_VALUE_CHARS) + String.format(Locale.ROOT, "... (%,d characters in all)", v.length());
    }

    private static void table(StringBuilder sb, List<String[]> rows) {
        int cols = rows.get(0).length;
        int[] width = new int[cols];
        for (String[] r : rows) {
            for (int c = 0; c < cols; c++) {
                width[c] = Math.max(width[c], r[c].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < cols; c++) {
                line.append(r[c]);
                if (c < cols - 1) {
                    line.append(" ".repeat(width[c] - r[c].length() + 2));
                }
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
    }

    static String humanBytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s (%,d bytes)", v, units[u], bytes);
    }
}
