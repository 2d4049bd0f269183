package dev.regula.transfer.tune;

/**
 * A trial's score at one halving rung.
 *
 * @param rung 0-based rung index
 * @param epochs the rung's epoch budget
 * @param meanValNll mean over folds of the val NLL at the kept epoch
 */
public record RungScore(int rung, int epochs, double meanValNll) {}
