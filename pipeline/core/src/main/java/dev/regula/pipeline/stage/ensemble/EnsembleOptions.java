package dev.regula.pipeline.stage.ensemble;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.regula.pipeline.OptionName;
import dev.regula.pipeline.Problem;
import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.spec.EnsembleConfig;
import dev.regula.pipeline.spec.SpecException;
import dev.regula.pipeline.spec.SpecReader;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code ensemble:} section that {@code regula ensemble}'s options describe, one option per
 * key. The section is then checked as a spec's is ({@link EnsembleConfig#parse}), and an error
 * names the option and the key path ({@link Problem#option()}, {@link Problem#keyPath()}), which a
 * front end renders as {@code --snapshots (ensemble.snapshots.cycles): 0 is not an integer in [1, 100]}. Only the compact form of a value ({@code HEAD:COUNT},
 * {@code HEAD:CYCLES:EPOCHS_PER_CYCLE}, {@code KIND:OF}) is checked here.
 */
public final class EnsembleOptions {
    /** Where an options-made section comes from, in messages before {@link #naming} rewrites them. */
    static final String ORIGIN = "ensemble options";

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private EnsembleOptions() {
    }

    /**
     * Checks the form of {@link OptionName#SEEDS}, {@link OptionName#BAGGING}, {@link OptionName#SNAPSHOTS} or {@link OptionName#SOUP}'s
     * value, so a front end can refuse a malformed command line before any work; what the value
     * means (a known head, a count in range) is checked with the rest of the section.
     *
     * @throws RegulaException about {@code option}: {@code expected FORM (e.g. ...), got 'VALUE'}
     */
    public static void checkForm(OptionName option, String value) throws RegulaException {
        switch (option) {
            case SEEDS, BAGGING -> extra(option, value);
            case SNAPSHOTS -> snapshots(value);
            case SOUP -> soup(value);
            default -> throw new IllegalArgumentException("not an ensemble option with a compact form: " + option);
        }
    }

    /** The section the request's options describe. */
    static ObjectNode section(EnsembleStep.Request r) throws RegulaException {
        ObjectNode section = F.objectNode();
        if (r.topK() != null) {
            if (!r.members().isEmpty()) {
                throw new RegulaException(Problem.about(OptionName.TOP_K, "give ", OptionName.MEMBERS, " or ", OptionName.TOP_K, ", not both"));
            }
            section.putObject("members").put("top_k", r.topK());
        } else if (!r.members().isEmpty()) {
            r.members().forEach(section.putArray("members")::add);
        }
        String kind = r.combiner() == null ? "mean" : r.combiner();
        if (r.combinerOptions().isEmpty()) {
            section.put("combiner", kind);
        } else {
            ObjectNode c = section.putObject("combiner");
            c.put("kind", kind);
            for (Map.Entry<String, String> o : new TreeMap<>(r.combinerOptions()).entrySet()) {
                try {
                    c.set(o.getKey(), SpecReader.yamlValue(o.getValue()));
                } catch (IllegalArgumentException e) {
                    throw new RegulaException(Problem.of(OptionName.COMBINER_OPTION, " " + o.getKey() + "=" + o.getValue() + ": "
                            + e.getMessage()), e);
                }
            }
        }
        if (r.seeds() != null) {
            section.set("seeds", extra(OptionName.SEEDS, r.seeds()));
        }
        if (r.bagging() != null) {
            section.set("bagging", extra(OptionName.BAGGING, r.bagging()));
        }
        if (r.snapshots() != null) {
            section.set("snapshots", snapshots(r.snapshots()));
        }
        if (r.soup() != null) {
            section.set("soup", soup(r.soup()));
        }
        return section;
    }

    /**
     * {@code e}, a problem at key {@code ensemble.KEY...} of the options' section, named by the option
     * that set the key, with the key path ({@code SOUP}, {@code ensemble.soup.of[1]}); other problems
     * are returned unchanged.
     */
    static RegulaException naming(RegulaException e, EnsembleStep.Request r) {
        if (!(e instanceof SpecException s) || !Path.of(ORIGIN).equals(s.file()) || !s.keyPath().startsWith("ensemble.")) {
            return e;
        }
        String rest = s.keyPath().substring("ensemble.".length());
        int end = 0;
        while (end < rest.length() && (Character.isLetterOrDigit(rest.charAt(end)) || rest.charAt(end) == '_')) {
            end++;
        }
        OptionName option = switch (rest.substring(0, end)) {
            case "members" -> r.topK() != null ? OptionName.TOP_K : OptionName.MEMBERS;
            case "combiner" -> rest.equals("combiner") || rest.equals("combiner.kind") ? OptionName.COMBINER : OptionName.COMBINER_OPTION;
            case "seeds" -> OptionName.SEEDS;
            case "bagging" -> OptionName.BAGGING;
            case "snapshots" -> OptionName.SNAPSHOTS;
            case "soup" -> OptionName.SOUP;
            default -> null;
        };
        return option == null ? e : new RegulaException(s.problem().withOption(option), e);
    }

    private static ObjectNode extra(OptionName option, String value) throws RegulaException {
        String[] p = parts(value, 2);
        Integer count = p == null ? null : integer(p[1]);
        if (count == null || p[0].isEmpty()) {
            throw new RegulaException(Problem.about(option, "expected HEAD:COUNT (e.g. mlp:4), got '" + value + "'")
                    .withExpected("HEAD:COUNT", value));
        }
        ObjectNode n = F.objectNode();
        n.put("head", p[0]);
        n.put("count", count);
        return n;
    }

    private static ObjectNode snapshots(String value) throws RegulaException {
        String[] p = parts(value, 3);
        Integer cycles = p == null ? null : integer(p[1]);
        Integer epochs = p == null ? null : integer(p[2]);
        if (cycles == null || epochs == null || p[0].isEmpty()) {
            throw new RegulaException(Problem.about(OptionName.SNAPSHOTS, "expected HEAD:CYCLES:EPOCHS_PER_CYCLE (e.g. mlp:4:5), got '"
                    + value + "'").withExpected("HEAD:CYCLES:EPOCHS_PER_CYCLE", value));
        }
        ObjectNode n = F.objectNode();
        n.put("head", p[0]);
        n.put("cycles", cycles);
        n.put("epochs_per_cycle", epochs);
        return n;
    }

    /** {@code KIND:OF}: OF is one of the groups (snapshots, seeds, bagging) or a comma list of member names. */
    private static ObjectNode soup(String value) throws RegulaException {
        int colon = value.indexOf(':');
        String kind = colon < 0 ? "" : value.substring(0, colon).strip();
        String of = colon < 0 ? "" : value.substring(colon + 1).strip();
        String[] names = of.split(",", -1);
        boolean blank = kind.isEmpty() || of.isEmpty();
        for (String n : names) {
            blank |= n.isBlank();
        }
        if (blank) {
            throw new RegulaException(Problem.about(OptionName.SOUP, "expected KIND:OF, KIND uniform or greedy, OF a comma list of "
                    + "member names or one of " + EnsembleConfig.Soup.GROUPS + " (e.g. uniform:snapshots, greedy:mlp,mlp-l2), got '"
                    + value + "'").withExpected("KIND:OF", value));
        }
        ObjectNode n = F.objectNode();
        if (names.length == 1 && EnsembleConfig.Soup.GROUPS.contains(of)) {
            n.put("of", of);
        } else {
            ArrayNode list = n.putArray("of");
            for (String name : names) {
                list.add(name.strip());
            }
        }
        n.put("kind", kind);
        return n;
    }

    /** {@code value} split at ':' into exactly {@code count} stripped parts, or null. */
    private static String[] parts(String value, int count) {
        String[] p = value.split(":", -1);
        if (p.length != count) {
            return null;
        }
        for (int i = 0; i < p.length; i++) {
            p[i] = p[i].strip();
        }
        return p;
    }

    private static Integer integer(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
