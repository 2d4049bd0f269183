package dev.regula.transfer.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** CSV with a header row. Text or numeric. */
final class CsvReader {
    private CsvReader() {}

    static List<Example> read(DatasetSpec spec, SkippedRows.Log log, long budgetBytes) throws DatasetException {
        try (TextFiles in = TextFiles.open(spec.path())) {
            return read(spec, new CsvParser(spec.path(), in), log, budgetBytes);
        }
    }

    /** Record by record: only the current record and the examples are held, never the file. */
    private static List<Example> read(DatasetSpec spec, CsvParser records, SkippedRows.Log log, long budgetBytes)
            throws DatasetException {
        Path file = spec.path();
        CsvParser.Record header = records.next();
        if (header == null) {
            throw new DatasetException(file, 0, null, "empty file: no data rows");
        }
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < header.fields().size(); i++) {
            String name = header.fields().get(i);
            if (index.put(name, i) != null) {
                throw new DatasetException(file, header.line(), name, "duplicate column '" + name + "' in the header " + header.fields());
            }
        }
        CsvParser.Record first = records.next();
        if (first == null) {
            throw new DatasetException(file, 0, null, "empty file: a header row but no data rows");
        }
        int label = column(file, header, index, spec.labelField());
        int group = spec.groupField() == null ? -1 : column(file, header, index, spec.groupField());
        int split = spec.splitField() == null ? -1 : column(file, header, index, spec.splitField());
        int text = -1;
        List<Integer> features = new ArrayList<>();
        if (!spec.format().numeric()) {
            text = column(file, header, index, spec.textField());
        } else if (spec.featureFields().isEmpty()) {
            for (int i = 0; i < header.fields().size(); i++) {
                if (i != label && i != group && i != split) {
                    features.add(i);
                }
            }
            if (features.isEmpty()) {
                throw new DatasetException(file, header.line(), null, "no feature columns besides label/group/split in the header " + header.fields());
            }
        } else {
            for (String f : spec.featureFields()) {
                features.add(column(file, header, index, f));
            }
        }
        List<Example> out = new KeptRows(budgetBytes);
        for (CsvParser.Record r = first; r != null; r = records.next()) {
            try {
                List<String> f = r.fields();
                if (f.size() != header.fields().size()) {
                    throw new BadRow("wrong column count", null, "row has " + f.size() + " columns, the header has "
                            + header.fields().size() + " " + header.fields());
                }
                String lab = f.get(label);
                if (lab.isEmpty()) {
                    throw new BadRow("empty label", spec.labelField(), "empty value in label column '" + spec.labelField() + "'");
                }
                String source = file + ":" + r.line();
                String g = group < 0 ? null : f.get(group);
                String s = split < 0 ? null : f.get(split);
                if (text >= 0) {
                    out.add(new Example(f.get(text), null, lab, g, s, source));
                } else {
                    float[] v = new float[features.size()];
                    for (int k = 0; k < v.length; k++) {
                        int c = features.get(k);
                        v[k] = NumberParsing.parse(f.get(c), header.fields().get(c));
                    }
                    out.add(new Example(null, v, lab, g, s, source));
                }
            } catch (BadRow b) {
                BadRow.handle(b, file, r.line(), spec.badRows(), log);
            }
        }
        return out;
    }

    private static int column(Path file, CsvParser.Record header, Map<String, Integer> index, String name) throws DatasetException {
        Integer i = index.get(name);
        if (i == null) {
            throw new DatasetException(file, header.line(), name, "missing column '" + name + "'; the header has columns " + header.fields());
        }
        return i;
    }
}
