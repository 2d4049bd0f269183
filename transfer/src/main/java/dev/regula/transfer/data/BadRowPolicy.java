package dev.regula.transfer.data;

/** What to do with a row that cannot be read (bad JSON, missing field, wrong column count, bad number). */
public enum BadRowPolicy {
    /** Stop at the first bad row with an error naming file, line and field. */
    FAIL,
    /** Skip bad rows and report them in {@link SkippedRows}. */
    SKIP
}
