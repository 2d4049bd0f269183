package dev.regula.spark;

import dev.regula.pipeline.Problem;
import dev.regula.pipeline.RegulaException;
import dev.regula.transfer.data.DatasetSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/** Reads a text dataset with Spark's readers into {@link SparkFeatures.Item}s, numbered in input order. */
final class SparkInput {
    private SparkInput() {
    }

    static JavaRDD<SparkFeatures.Item> items(SparkSession spark, String uri, String format, DatasetSpec fields)
            throws RegulaException {
        org.apache.spark.sql.Dataset<Row> df;
        try {
            df = switch (format.toLowerCase(Locale.ROOT)) {
                // every scalar as a string, as the local reader takes labels: 1 -> "1", true -> "true"
                case "jsonl" -> spark.read().option("primitivesAsString", "true").json(uri);
                // RFC 4180: quoted fields may hold newlines, and a quote is escaped by doubling it
                case "csv" -> spark.read().option("header", "true").option("multiLine", "true").option("escape", "\"").csv(uri);
                case "parquet" -> spark.read().parquet(uri);
                default -> throw new RegulaException(Problem.atKey("data.format", "the Spark engine reads jsonl, csv or parquet")
                        .withExpected("jsonl, csv or parquet", format));
            };
        } catch (RuntimeException e) {
            throw new RegulaException(Problem.atKey("data.path", "Spark cannot read " + uri + " as " + format + ": "
                    + e.getMessage()), e);
        }
        List<String> present = Arrays.asList(df.columns());
        List<Column> cols = new ArrayList<>();
        String[][] roles = {{"data.text_field", fields.textField()}, {"data.label_field", fields.labelField()},
            {"data.group_field", fields.groupField()}, {"data.split_field", fields.splitField()}};
        for (String[] role : roles) {
            if (role[1] == null) {
                cols.add(functions.lit(null).cast(DataTypes.StringType));
            } else if (!present.contains(role[1])) {
                throw new RegulaException(Problem.atKey(role[0], uri + " has no field '" + role[1] + "'; fields: " + present)
                        .withExpected("a field of the data", role[1]));
            } else {
                cols.add(functions.col("`" + role[1] + "`").cast(DataTypes.StringType));
            }
        }
        // zipWithIndex numbers rows in input order (files, then offsets), the order the local reader reads.
        return df.select(cols.toArray(Column[]::new)).javaRDD().zipWithIndex()
                .map(t -> new SparkFeatures.Item(t._2(), t._1().getString(0), t._1().getString(1), t._1().getString(2),
                        t._1().getString(3)));
    }
}
