package dev.regula.ensemble.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.regula.ensemble.Ensemble;
import dev.regula.ensemble.EnsembleException;
import dev.regula.ensemble.Member;
import dev.regula.transfer.io.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The ensemble's provenance as {@code metadata_props} entries (JSON values). */
public final class EnsembleMetadata {
    public static final String MEMBERS = "regula.ensemble.members";
    public static final String COMBINER = "regula.ensemble.combiner";
    public static final String CLASSES = "regula.ensemble.classes";


    private EnsembleMetadata() {}

    /**
     * Keys {@link #MEMBERS} (per member: name, origin, head spec, regularization, training seed,
     * out-of-bag row count), {@link #COMBINER} (kind, weights or meta-learner settings) and
     * {@link #CLASSES}.
     */
    public static Map<String, String> of(Ensemble e) throws EnsembleException {
        List<Map<String, Object>> members = new ArrayList<>();
        for (Member m : e.members()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("name", m.name());
            d.put("origin", m.origin());
            d.put("head", m.head().spec());
            d.put("regularization", m.head().regularization());
            d.put("training_seed", m.head().training() == null ? null : m.head().training().seed());
            d.put("oob_rows", m.oobRows() == null ? null : m.oobRows().length);
            members.add(d);
        }
        Map<String, String> out = new LinkedHashMap<>();
        try {
            out.put(MEMBERS, Json.PLAIN.writeValueAsString(members));
            out.put(COMBINER, Json.PLAIN.writeValueAsString(e.combiner().describe()));
            out.put(CLASSES, Json.PLAIN.writeValueAsString(e.classes()));
        } catch (JsonProcessingException ex) {
            throw new EnsembleException("metadata: cannot write the ensemble description as JSON: " + ex.getOriginalMessage(), ex);
        }
        return out;
    }
}
