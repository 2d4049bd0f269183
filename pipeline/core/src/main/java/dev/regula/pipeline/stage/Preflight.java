package dev.regula.pipeline.stage;

import dev.regula.pipeline.RegulaException;
import dev.regula.pipeline.spec.PipelineSpec;
import dev.regula.pipeline.spec.Sections;
import dev.regula.pipeline.spec.SpecException;
import dev.regula.transfer.data.DatasetException;
import dev.regula.transfer.data.DatasetReader;
import dev.regula.transfer.regularize.ClassWeightsSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks that need the data rather than the spec alone, run before the first stage so that a
 * mistake costs a read of the data, not the features and the training before it.
 */
final class Preflight {
    private Preflight() {
    }

    /**
     * An explicit {@code class_weights} list must hold one weight per class. The data is read only
     * when some head gives such a list.
     */
    static void classWeights(PipelineSpec spec) throws RegulaException {
        List<Integer> explicit = new ArrayList<>();
        for (int i = 0; i < spec.heads().size(); i++) {
            ClassWeightsSpec w = spec.heads().get(i).regularization().classWeights();
            if (w != null && !w.balanced()) {
                explicit.add(i);
            }
        }
        if (explicit.isEmpty()) {
            return;
        }
        List<String> classes;
        try {
            classes = List.copyOf(DatasetReader.read(spec.data()).classCounts().keySet());
        } catch (DatasetException e) {
            throw RegulaException.wrap(e);
        }
        for (int i : explicit) {
            Sections.Head h = spec.heads().get(i);
            int n = h.regularization().classWeights().weights().size();
            if (n != classes.size()) {
                throw new SpecException(spec.file(), "heads[" + i + "].regularization.class_weights", "has " + n
                        + " entries; the data has " + classes.size() + " classes " + classes
                        + ", so expected one weight per class, in that order");
            }
        }
    }
}
