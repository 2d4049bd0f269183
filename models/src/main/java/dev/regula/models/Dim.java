package dev.regula.models;

/**
 * One dimension of a declared tensor shape: a fixed size, a symbolic name ({@code batch}), or
 * unknown. Prints as the number, the name, or {@code ?}.
 *
 * @param value  the size when fixed, else -1
 * @param symbol the symbolic name when symbolic, else null
 */
public record Dim(long value, String symbol) {
    public Dim {
        if (symbol != null && (symbol.isEmpty() || value != -1)) {
            throw new IllegalArgumentException("a symbolic dim needs a non-empty name and value -1, got "
                    + value + " / '" + symbol + "'");
        }
        if (symbol == null && value < -1) {
            throw new IllegalArgumentException("dim value must be >= 0 (or -1 for unknown), got " + value);
        }
    }

    public static Dim fixed(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("fixed dim must be >= 0, got " + value);
        }
        return new Dim(value, null);
    }

    public static Dim symbolic(String name) {
        return new Dim(-1, name);
    }

    public static Dim unknown() {
        return new Dim(-1, null);
    }

    public boolean isFixed() {
        return symbol == null && value >= 0;
    }

    public boolean isSymbolic() {
        return symbol != null;
    }

    @Override
    public String toString() {
        return isFixed() ? Long.toString(value) : symbol != null ? symbol : "?";
    }
}
