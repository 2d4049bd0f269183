package dev.regula.transfer.data;

/**
 * One row cannot be read. Caught by the reader, which either fails with a {@link DatasetException} or counts
 * the row as skipped under {@link BadRowPolicy#SKIP}. No stack trace: it is control flow, not a bug.
 */
final class BadRow extends Exception {
    /** Short, row-independent reason used to group skipped rows, e.g. {@code invalid JSON}. */
    final String reason;
    /** The field at fault, or null. */
    final String field;

    BadRow(String reason, String field, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
        this.field = field;
    }

    /** Applies the bad-row policy: throw for FAIL, log for SKIP. */
    static void handle(BadRow b, java.nio.file.Path file, long line, BadRowPolicy policy, SkippedRows.Log log)
            throws DatasetException {
        if (policy == BadRowPolicy.FAIL) {
            throw new DatasetException(file, line, b.field, b.getMessage()
                    + " (use the skip policy for bad rows to skip such rows)");
        }
        log.add(b.reason, line);
    }
}
