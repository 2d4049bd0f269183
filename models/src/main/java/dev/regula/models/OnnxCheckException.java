package dev.regula.models;

import java.util.List;

/** A model that fails {@link Checker}'s structural checks; {@link #problems()} lists every one found. */
public final class OnnxCheckException extends OnnxModelException {
    private final List<String> problems;

    public OnnxCheckException(String source, List<String> problems) {
        super(source, summary(problems), null);
        this.problems = List.copyOf(problems);
    }

    /** One line per problem, each naming the node (index, name, op_type) or tensor at fault. */
    public List<String> problems() {
        return problems;
    }

    private static String summary(List<String> problems) {
        StringBuilder sb = new StringBuilder("model fails the structural check with ")
                .append(problems.size()).append(problems.size() == 1 ? " problem:" : " problems:");
        for (String p : problems) {
            sb.append("\n  - ").append(p);
        }
        return sb.toString();
    }
}
