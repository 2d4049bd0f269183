package dev.regula.transfer.train;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How a head is optimised. YAML keys map 1:1.
 *
 * @param optimizer adam | adamw | sgd. Weight decay comes from the regularization spec and is
 *     always decoupled; {@code adamw} is Adam with that decoupled decay (the same update as
 *     {@code adam} with {@code weight_decay > 0}; the name is accepted for familiarity)
 * @param learningRate peak learning rate, > 0
 * @param momentum SGD momentum in [0, 1) (heavy ball, PyTorch form)
 * @param beta1 Adam β1 (default 0.9)
 * @param beta2 Adam β2 (default 0.999)
 * @param adamEpsilon Adam ε (default 1e-8)
 * @param schedule constant | cosine (to 0 at the last step) | step
 * @param warmupSteps linear warm-up from lr/warmup_steps to lr over this many optimizer steps
 * @param stepEpochs step schedule: epochs between decays
 * @param gamma step schedule: decay factor
 * @param batchSize rows per optimizer step, >= 1
 * @param epochs maximum number of passes over the training rows, >= 1
 * @param device cpu | gpu | auto
 * @param seed seeds weight initialisation, shuffling, dropout noise and the engine
 */
public record TrainingSpec(
        @JsonProperty("optimizer") Optimizer optimizer,
        @JsonProperty("learning_rate") double learningRate,
        @JsonProperty("momentum") double momentum,
        @JsonProperty("beta1") Double beta1,
        @JsonProperty("beta2") Double beta2,
        @JsonProperty("adam_epsilon") Double adamEpsilon,
        @JsonProperty("schedule") Schedule schedule,
        @JsonProperty("warmup_steps") int warmupSteps,
        @JsonProperty("step_epochs") int stepEpochs,
        @JsonProperty("gamma") Double gamma,
        @JsonProperty("batch_size") int batchSize,
        @JsonProperty("epochs") int epochs,
        @JsonProperty("device") DeviceChoice device,
        @JsonProperty("seed") long seed) {

    /** Optimizer family. */
    public enum Optimizer {
        ADAM, ADAMW, SGD;

        @JsonValue
        public String yamlName() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static Optimizer of(String s) {
            return parse(values(), s, "optimizer");
        }
    }

    /** Learning-rate schedule after warm-up. */
    public enum Schedule {
        CONSTANT, COSINE, STEP;

        @JsonValue
        public String yamlName() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static Schedule of(String s) {
            return parse(values(), s, "schedule");
        }
    }

    /** Where to train. */
    public enum DeviceChoice {
        CPU, GPU, AUTO;

        @JsonValue
        public String yamlName() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static DeviceChoice of(String s) {
            return parse(values(), s, "device");
        }
    }

    static <E extends Enum<E>> E parse(E[] values, String s, String key) {
        for (E e : values) {
            if (e.name().toLowerCase(Locale.ROOT).equals(s)) {
                return e;
            }
        }
        throw new IllegalArgumentException(key + ": unknown value '" + s + "', expected one of "
                + java.util.Arrays.stream(values).map(e -> e.name().toLowerCase(Locale.ROOT)).toList());
    }

    public TrainingSpec {
        optimizer = optimizer == null ? Optimizer.ADAM : optimizer;
        schedule = schedule == null ? Schedule.CONSTANT : schedule;
        device = device == null ? DeviceChoice.AUTO : device;
        beta1 = beta1 == null ? 0.9 : beta1;
        beta2 = beta2 == null ? 0.999 : beta2;
        adamEpsilon = adamEpsilon == null ? 1e-8 : adamEpsilon;
        gamma = gamma == null ? 0.1 : gamma;
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learning_rate must be a finite number > 0, got " + learningRate);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("beta1 and beta2 must be in [0, 1), got " + beta1 + " and " + beta2);
        }
        if (!(adamEpsilon > 0)) {
            throw new IllegalArgumentException("adam_epsilon must be > 0, got " + adamEpsilon);
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warmup_steps must be >= 0, got " + warmupSteps);
        }
        if (schedule == Schedule.STEP && stepEpochs < 1) {
            throw new IllegalArgumentException("step_epochs must be >= 1 with schedule step, got " + stepEpochs);
        }
        if (!(gamma > 0 && gamma <= 1)) {
            throw new IllegalArgumentException("gamma must be in (0, 1], got " + gamma);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch_size must be >= 1, got " + batchSize);
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
    }

    /** Adam, constant learning rate, CPU: a convenient base for tests and code. */
    public static TrainingSpec adam(double lr, int batchSize, int epochs, long seed) {
        return new TrainingSpec(Optimizer.ADAM, lr, 0, null, null, null, Schedule.CONSTANT, 0, 0, null, batchSize, epochs,
                DeviceChoice.CPU, seed);
    }

    public TrainingSpec withOptimizer(Optimizer o, double momentum) {
        return new TrainingSpec(o, learningRate, momentum, beta1, beta2, adamEpsilon, schedule, warmupSteps, stepEpochs, gamma,
                batchSize, epochs, device, seed);
    }

    public TrainingSpec withSchedule(Schedule s, int warmup, int stepEpochs, double gamma) {
        return new TrainingSpec(optimizer, learningRate, momentum, beta1, beta2, adamEpsilon, s, warmup, stepEpochs, gamma,
                batchSize, epochs, device, seed);
    }

    public TrainingSpec withEpochs(int e) {
        return new TrainingSpec(optimizer, learningRate, momentum, beta1, beta2, adamEpsilon, schedule, warmupSteps, stepEpochs,
                gamma, batchSize, e, device, seed);
    }

    public TrainingSpec withLearningRate(double lr) {
        return new TrainingSpec(optimizer, lr, momentum, beta1, beta2, adamEpsilon, schedule, warmupSteps, stepEpochs,
                gamma, batchSize, epochs, device, seed);
    }

    public TrainingSpec withSeed(long s) {
        return new TrainingSpec(optimizer, learningRate, momentum, beta1, beta2, adamEpsilon, schedule, warmupSteps, stepEpochs,
                gamma, batchSize, epochs, device, s);
    }

    public TrainingSpec withDevice(DeviceChoice d) {
        return new TrainingSpec(optimizer, learningRate, momentum, beta1, beta2, adamEpsilon, schedule, warmupSteps, stepEpochs,
                gamma, batchSize, epochs, d, seed);
    }

    /**
     * Learning rate for optimizer step {@code step} (0-based).
     *
     * @param stepsPerEpoch optimizer steps in one epoch
     */
    public double learningRateAt(long step, int stepsPerEpoch) {
        if (step < warmupSteps) {
            return learningRate * (step + 1) / warmupSteps;
        }
        long total = (long) epochs * stepsPerEpoch;
        return switch (schedule) {
            case CONSTANT -> learningRate;
            case COSINE -> {
                long span = Math.max(1, total - warmupSteps);
                double progress = Math.min(1.0, (double) (step - warmupSteps) / span);
                yield learningRate * 0.5 * (1 + Math.cos(Math.PI * progress));
            }
            case STEP -> learningRate * Math.pow(gamma, Math.floorDiv(step / stepsPerEpoch, stepEpochs));
        };
    }
}
