package dev.regula.ensemble;

/**
 * A bad ensemble input or a fit that produced no usable result: mismatched members, an empty
 * member list, a degenerate validation split, weights that do not form a distribution. The
 * message names the member, key or value at fault and what was expected.
 */
public class EnsembleException extends Exception {
    private static final long serialVersionUID = 1L;

    public EnsembleException(String message) {
        super(message);
    }

    public EnsembleException(String message, Throwable cause) {
        super(message, cause);
    }
}
