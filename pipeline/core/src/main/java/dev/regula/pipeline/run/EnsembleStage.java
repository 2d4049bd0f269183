package dev.regula.pipeline.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.regula.pipeline.RegulaException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * ensemble: runs only when the spec has an {@code ensemble:} section. The ensemble module is not
 * wired into the pipeline yet, so this stage refuses clearly instead of producing anything; the
 * wiring belongs here (read the heads with {@link TrainStage#heads}, write members and combiner
 * into the staging folder, and let {@link ExportStage} export the ensemble instead of one head).
 */
final class EnsembleStage implements Stage {
    @Override
    public StageName name() {
        return StageName.ENSEMBLE;
    }

    @Override
    public List<StageName> upstream(StageContext ctx) {
        return List.of(StageName.FEATURES, StageName.TRAIN);
    }

    @Override
    public JsonNode config(StageContext ctx) {
        return ctx.spec().section("ensemble");
    }

    @Override
    public Map<String, Object> run(StageContext ctx, Path staging) throws RegulaException {
        throw new RegulaException(ctx.spec().file() + ": ensemble: the ensemble stage is not available in this build of "
                + "Regula (dev.regula.ensemble is not wired into the pipeline yet); remove the ensemble section to "
                + "export the best single head");
    }
}
