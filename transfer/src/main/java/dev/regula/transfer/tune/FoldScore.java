package dev.regula.transfer.tune;

/**
 * One trial's outcome on one fold.
 *
 * @param fold fold index
 * @param valNll NLL on the fold's held-out rows at the kept epoch
 * @param trainNll NLL on the fold's training rows at the kept epoch (inference mode)
 * @param bestEpoch the kept epoch (1-based); for the full-batch path solver, the iterations it took
 * @param epochs epochs trained (solver iterations for the path)
 */
public record FoldScore(int fold, double valNll, double trainNll, int bestEpoch, int epochs) {}
