package dev.regula.transfer.data;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Where a dataset is and how to read it.
 *
 * @param path the file (or, for {@link DatasetFormat#FOLDERS}, the root folder)
 * @param format the layout
 * @param textField field/column holding the text (text formats); default {@code text}
 * @param labelField field/column holding the label; default {@code label}
 * @param groupField field/column holding the group, or null for none
 * @param splitField field/column naming the split (train/val/test), or null for none
 * @param featureFields numeric formats: the feature fields/columns in order; empty means all fields other
 *     than label, group and split
 * @param badRows what to do with unreadable rows; default {@link BadRowPolicy#FAIL}
 */
public record DatasetSpec(Path path, DatasetFormat format, String textField, String labelField, String groupField,
        String splitField, List<String> featureFields, BadRowPolicy badRows) {
    public DatasetSpec {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(format, "format");
        textField = orDefault(textField, "text");
        labelField = orDefault(labelField, "label");
        groupField = blankToNull(groupField);
        splitField = blankToNull(splitField);
        featureFields = featureFields == null ? List.of() : List.copyOf(featureFields);
        badRows = badRows == null ? BadRowPolicy.FAIL : badRows;
        if (format == DatasetFormat.FOLDERS && (groupField != null || splitField != null)) {
            throw new IllegalArgumentException("the folders format has no group or split field (the folder name is the label)");
        }
        if (!format.numeric() && !featureFields.isEmpty()) {
            throw new IllegalArgumentException("featureFields apply to numeric formats only, not " + format.id());
        }
        Set<String> seen = new HashSet<>();
        for (String f : featureFields) {
            if (f == null || f.isBlank() || !seen.add(f)) {
                throw new IllegalArgumentException("featureFields must be distinct, non-blank names, got " + featureFields);
            }
        }
        Set<String> roles = new HashSet<>();
        for (String f : new String[] {format.numeric() ? null : textField, labelField, groupField, splitField}) {
            if (f != null && (!roles.add(f) || seen.contains(f))) {
                throw new IllegalArgumentException("field '" + f + "' is given two roles (text/label/group/split/feature)");
            }
        }
    }

    /** A spec with default field names and the FAIL policy. */
    public static DatasetSpec of(Path path, DatasetFormat format) {
        return new DatasetSpec(path, format, null, null, null, null, null, null);
    }

    public DatasetSpec withTextField(String f) {
        return new DatasetSpec(path, format, f, labelField, groupField, splitField, featureFields, badRows);
    }

    public DatasetSpec withLabelField(String f) {
        return new DatasetSpec(path, format, textField, f, groupField, splitField, featureFields, badRows);
    }

    public DatasetSpec withGroupField(String f) {
        return new DatasetSpec(path, format, textField, labelField, f, splitField, featureFields, badRows);
    }

    public DatasetSpec withSplitField(String f) {
        return new DatasetSpec(path, format, textField, labelField, groupField, f, featureFields, badRows);
    }

    public DatasetSpec withFeatureFields(List<String> f) {
        return new DatasetSpec(path, format, textField, labelField, groupField, splitField, f, badRows);
    }

    public DatasetSpec withBadRows(BadRowPolicy p) {
        return new DatasetSpec(path, format, textField, labelField, groupField, splitField, featureFields, p);
    }

    private static String orDefault(String s, String d) {
        return s == null || s.isBlank() ? d : s;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
