package dev.regula.transfer.regularize;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Every regularizer applied to one head's training; YAML keys map 1:1 to the components. Absent
 * (null) parts are off; zero strengths are off.
 *
 * @param dropout dropout kind and rates ({@link DropoutSpec}); null = none
 * @param l1 {@code λ·Σ|w|} added to the loss ({@link L1Penalty})
 * @param l2 {@code λ·Σw²} added to the loss, no ½ ({@link L2Penalty})
 * @param elasticNet {@code alpha·(l1_ratio·Σ|w| + (1−l1_ratio)·Σw²)}; null = off
 * @param includeBias whether l1/l2/elastic_net/weight_decay also act on biases
 * @param weightDecay decoupled decay {@code w ← w·(1 − lr·wd)} after each step ({@link DecoupledWeightDecay})
 * @param l2Sp pull toward reference weights ({@link L2SpSpec}); null = off
 * @param maxNorm per-unit incoming weight norm bound ({@link MaxNormConstraint}); null = off
 * @param labelSmoothing ε in [0, 1) ({@link SmoothedCrossEntropy})
 * @param classWeights class weights of the loss; null = all 1
 * @param earlyStopping early stopping; null = train all epochs and keep the last weights
 */
public record RegularizationSpec(
        @JsonProperty("dropout") DropoutSpec dropout,
        @JsonProperty("l1") double l1,
        @JsonProperty("l2") double l2,
        @JsonProperty("elastic_net") ElasticNet elasticNet,
        @JsonProperty("include_bias") boolean includeBias,
        @JsonProperty("weight_decay") double weightDecay,
        @JsonProperty("l2_sp") L2SpSpec l2Sp,
        @JsonProperty("max_norm") Double maxNorm,
        @JsonProperty("label_smoothing") double labelSmoothing,
        @JsonProperty("class_weights") ClassWeightsSpec classWeights,
        @JsonProperty("early_stopping") EarlyStoppingSpec earlyStopping) {

    /** Elastic-net strengths. */
    public record ElasticNet(@JsonProperty("alpha") double alpha, @JsonProperty("l1_ratio") double l1Ratio) {
        public ElasticNet {
            new ElasticNetPenalty(alpha, l1Ratio, false); // validates with the YAML key names
        }
    }

    public RegularizationSpec {
        dropout = dropout == null ? DropoutSpec.none() : dropout;
        nonNegative("l1", l1);
        nonNegative("l2", l2);
        nonNegative("weight_decay", weightDecay);
        if (maxNorm != null && !(maxNorm > 0)) {
            throw new IllegalArgumentException("max_norm must be > 0 when set, got " + maxNorm);
        }
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw new IllegalArgumentException("label_smoothing must be in [0, 1), got " + labelSmoothing);
        }
    }

    private static void nonNegative(String key, double v) {
        if (!(v >= 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(key + " must be a finite number >= 0, got " + v);
        }
    }

    /** No regularization at all. */
    public static RegularizationSpec none() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A copy as a builder, to change a few parts. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.dropout = dropout;
        b.l1 = l1;
        b.l2 = l2;
        b.elasticNet = elasticNet;
        b.includeBias = includeBias;
        b.weightDecay = weightDecay;
        b.l2Sp = l2Sp;
        b.maxNorm = maxNorm;
        b.labelSmoothing = labelSmoothing;
        b.classWeights = classWeights;
        b.earlyStopping = earlyStopping;
        return b;
    }

    /** Fluent construction for code; validation happens in {@link #build()}. */
    public static final class Builder {
        private DropoutSpec dropout;
        private double l1;
        private double l2;
        private ElasticNet elasticNet;
        private boolean includeBias;
        private double weightDecay;
        private L2SpSpec l2Sp;
        private Double maxNorm;
        private double labelSmoothing;
        private ClassWeightsSpec classWeights;
        private EarlyStoppingSpec earlyStopping;

        public Builder dropout(DropoutSpec v) { dropout = v; return this; }
        public Builder l1(double v) { l1 = v; return this; }
        public Builder l2(double v) { l2 = v; return this; }
        public Builder elasticNet(double alpha, double l1Ratio) { elasticNet = new ElasticNet(alpha, l1Ratio); return this; }
        public Builder includeBias(boolean v) { includeBias = v; return this; }
        public Builder weightDecay(double v) { weightDecay = v; return this; }
        public Builder l2Sp(L2SpSpec v) { l2Sp = v; return this; }
        public Builder maxNorm(Double v) { maxNorm = v; return this; }
        public Builder labelSmoothing(double v) { labelSmoothing = v; return this; }
        public Builder classWeights(ClassWeightsSpec v) { classWeights = v; return this; }
        public Builder earlyStopping(EarlyStoppingSpec v) { earlyStopping = v; return this; }

        public RegularizationSpec build() {
            return new RegularizationSpec(dropout, l1, l2, elasticNet, includeBias, weightDecay, l2Sp, maxNorm,
                    labelSmoothing, classWeights, earlyStopping);
        }
    }
}
