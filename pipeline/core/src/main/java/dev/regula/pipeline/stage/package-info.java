/**
 * The pipeline's stages, one package each, and {@link dev.regula.pipeline.stage.Pipeline}, which
 * runs them in order through the runner framework of {@link dev.regula.pipeline.run}.
 *
 * <h2>The shape of a stage</h2>
 *
 * Each stage package {@code dev.regula.pipeline.stage.NAME} holds:
 * <ul>
 *   <li><b>One public entry, {@code NAMEStep}</b>: {@code public static Result run(Request)} on
 *       explicit paths, with nested {@code Request} and {@code Result} records. It owns the stage's
 *       artifact file names ({@code public static final String}) and the code that writes and
 *       reads them. The CLI ({@code dev.regula.cli}) and the Maven plugin ({@code dev.regula.maven})
 *       call only this. A package-private {@code writeInto(..., Path staging)} (or
 *       {@code trainInto}, {@code buildInto}, {@code extractInto}) writes the payload; both
 *       {@code run} and the pipeline write through it, so both write the same bytes.</li>
 *   <li><b>One adapter, {@code NAMEStage implements Stage}</b>: maps the spec and the committed
 *       upstream folders ({@link dev.regula.pipeline.run.StageContext}) onto the entry's
 *       package-private core, and declares the stage's upstream stages, config section and
 *       external inputs. It holds no artifact names and no logic of its own. Its public static
 *       readers ({@code FeaturesStage.store(ctx)}, {@code TrainStage.heads(ctx)}, ...) give later
 *       stages the committed output.</li>
 *   <li>Package-private helpers, where a job is big enough for its own class.</li>
 * </ul>
 * Imports go from a later stage to an earlier one only (export → ensemble → train → [tune] → features →
 * imports); never back, and a Step never imports its Stage. One exception: tune writes its models in
 * train's head format ({@code train.HeadFile}), while train reads a tuned head's model by the folder
 * layout ({@code <tune>/<head>/head.json}) without importing tune, so the packages stay acyclic. Spec parsing lives in
 * {@link dev.regula.pipeline.spec}; algorithms (combiners, member training) in the
 * {@code ensemble} and {@code transfer} modules.
 *
 * <table>
 *   <caption>The stages</caption>
 *   <tr><th>package</th><th>entry (request → result)</th><th>pipeline adapter</th><th>artifacts the entry owns</th></tr>
 *   <tr><td>{@code imports}</td><td>{@code ImportStep}: {@code Request → Result}</td><td>{@code ImportStage}</td>
 *       <td>{@code FEATURE_MODEL}, {@code TOKENIZER}, {@code INFO}</td></tr>
 *   <tr><td>{@code features}</td><td>{@code FeaturesStep}: {@code Request → FeatureJobResult}
 *       (also {@code runOnFeatureModel}); {@code FeatureInputs} opens a features folder for later stages</td>
 *       <td>{@code FeaturesStage}</td><td>{@code STORE}</td></tr>
 *   <tr><td>{@code tune}</td><td>{@code TuneStep}: {@code Request → Result} (helpers: {@code TuneHeads}, {@code TrialFits};
 *       {@code TrialLibrary} reads a tune folder as the ensemble's model library)</td><td>{@code TuneStage} (only when a head has a
 *       range or {@code auto}; removes its resumable logs in {@code afterCommit})</td><td>{@code SUMMARY}, {@code TRIALS},
 *       {@code SELECTION}, {@code OOF}, {@code HEAD}, {@code HISTORY}, {@code PARTIAL}</td></tr>
 *   <tr><td>{@code train}</td><td>{@code TrainStep}: {@code Request → Result}; {@code HeadFile}</td>
 *       <td>{@code TrainStage}</td><td>{@code HEAD}, {@code HISTORY}, {@code SUMMARY}</td></tr>
 *   <tr><td>{@code ensemble}</td><td>{@code EnsembleStep}: {@code Request → Result} (helpers: {@code ExtraMembers},
 *       {@code EnsembleFit}, {@code EnsembleEvaluation}; {@code EnsembleOptions} maps options to a section)</td>
 *       <td>{@code EnsembleStage}</td><td>{@code ENSEMBLE}, {@code REPORT}, {@code CONFIG}, {@code MEMBERS}</td></tr>
 *   <tr><td>{@code export}</td><td>{@code ExportStep}: {@code Request → Result}; {@code SingleHeadExport}</td>
 *       <td>{@code ExportStage}</td><td>{@code MODEL}, {@code INFO}</td></tr>
 *   <tr><td>{@code validate}</td><td>{@code ValidateStep}: {@code Request → Result}; {@code Gates},
 *       {@code GateFailedException}</td><td>{@code ValidateStage}</td><td>{@code REPORT}</td></tr>
 *   <tr><td>{@code report}</td><td>{@code ReportStep}: {@code Request → Result}</td><td>{@code ReportStage}</td>
 *       <td>{@code HTML}</td></tr>
 * </table>
 *
 * <h2>Adding a stage</h2>
 * Add its name to {@link dev.regula.pipeline.run.StageName} (in run order), a package with its
 * {@code NAMEStep} and {@code NAMEStage} as above, its spec section to
 * {@link dev.regula.pipeline.spec}, and its adapter to {@link dev.regula.pipeline.stage.Pipeline}'s
 * stage list; the front ends map their options to the new {@code NAMEStep.Request}.
 */
package dev.regula.pipeline.stage;
