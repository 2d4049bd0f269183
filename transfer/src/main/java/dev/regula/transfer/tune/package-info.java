/**
 * Regularization search for one head: search spaces over named knobs, grid / random / successive-halving
 * / regularization-path strategies, k-fold cross-validation on train+val, the {@code min} and
 * {@code one_se} rules, per-knob verdicts and the refit on train+val.
 *
 * <p><b>Entry point.</b> {@link dev.regula.transfer.tune.Tuner#tune(TuneRequest, TrialLog)} takes a
 * {@link dev.regula.transfer.tune.TuneRequest} (train and val features only, the head, its configured
 * {@code RegularizationSpec}/{@code TrainingSpec} as the base, a {@link dev.regula.transfer.tune.SearchSpace},
 * a {@link dev.regula.transfer.tune.TuneSpec}, whether to evaluate the configured values as a baseline
 * trial, and a {@link dev.regula.transfer.tune.TrialTrainer}, null for the default) and a
 * {@link dev.regula.transfer.tune.TrialLog} ({@link dev.regula.transfer.tune.JsonlTrialLog} for
 * {@code trials.jsonl}, which also makes a killed run resume), and returns a
 * {@link dev.regula.transfer.tune.TuneResult}: every trial (with out-of-fold probabilities), the
 * {@link dev.regula.transfer.tune.Selection} ({@code toJson()} is {@code selection.json}) and the refit
 * {@code TrainedHead}.
 *
 * <p><b>YAML mapping</b> (for the pipeline): a knob is {@link dev.regula.transfer.tune.Knob#of(String)}
 * of its key path; {@code [a, b]} is a {@link dev.regula.transfer.tune.Range.Choice},
 * {@code {log_uniform: [lo, hi]}} a {@link dev.regula.transfer.tune.Range.LogUniform},
 * {@code {uniform: [lo, hi]}} a {@link dev.regula.transfer.tune.Range.Uniform}, {@code {path: n}} (and
 * optionally {@code min_ratio}) a {@link dev.regula.transfer.tune.Range.Path};
 * {@code regularization: auto} is {@link dev.regula.transfer.tune.SearchSpace#defaultFor} with
 * {@link dev.regula.transfer.tune.SearchSpace#defaultStrategy}.
 *
 * <p><b>Halving.</b> Survivors continue from their paused runs (no retraining per rung); the rung
 * schedule and its budget rule (the first rung as long as {@code n·R/η} total epochs allow) are in
 * {@link dev.regula.transfer.tune.Halving}.
 *
 * <p><b>Threads.</b> Trials run on {@code TuneSpec.threads} workers; start the JVM with
 * {@code -Dai.djl.pytorch.num_threads=1} (libtorch's intra-op pool is process-wide).
 */
package dev.regula.transfer.tune;
