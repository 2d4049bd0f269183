package dev.regula.transfer.encode;

import dev.regula.models.ElemType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Feeds float vectors of a fixed size to a backbone with one float {@code [batch, d]} input. */
public final class NumericEncoder implements InputEncoder<float[], NumericEncoder.Vector> {

    /** One vector. */
    public record Vector(float[] values) implements InputEncoder.Encoded {
        @Override
        public int length() {
            return values.length;
        }
    }

    private final int dim;

    /** @param dim the size of every vector */
    public NumericEncoder(int dim) {
        if (dim <= 0) {
            throw new IllegalArgumentException("dim must be > 0, got " + dim);
        }
        this.dim = dim;
    }

    public int dim() {
        return dim;
    }

    @Override
    public String name() {
        return "numeric encoder";
    }

    @Override
    public String provides() {
        return "one float [batch, " + dim + "] tensor";
    }

    @Override
    public void check(List<ModelInput> inputs) throws EncoderMismatchException {
        if (inputs.size() != 1) {
            throw new EncoderMismatchException(name(), inputs, provides(), "the " + name() + " feeds exactly one input");
        }
        ModelInput in = inputs.get(0);
        if (in.type() != ElemType.FLOAT) {
            throw new EncoderMismatchException(name(), inputs, provides(), "model input '" + in.name() + "' is not float");
        }
        if (in.rank() != -1 && in.rank() != 2) {
            throw new EncoderMismatchException(name(), inputs, provides(), "model input '" + in.name() + "' has rank "
                    + in.rank() + ", expected [batch, " + dim + "]");
        }
        if (in.rank() == 2 && in.fixedDim(1) != -1 && in.fixedDim(1) != dim) {
            throw new EncoderMismatchException(name(), inputs, provides(), "model input '" + in.name() + "' takes vectors of "
                    + in.fixedDim(1) + " values, the encoder was set up for " + dim);
        }
    }

    @Override
    public List<Vector> encodeAll(List<float[]> items) {
        List<Vector> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            float[] v = items.get(i);
            if (v == null || v.length != dim) {
                throw new IllegalArgumentException("vector " + i + " has " + (v == null ? "no" : v.length)
                        + " values, expected " + dim);
            }
            out.add(new Vector(v));
        }
        return out;
    }

    @Override
    public Map<String, BatchTensor> collate(List<Vector> batch, List<ModelInput> inputs) {
        float[] v = new float[batch.size() * dim];
        for (int r = 0; r < batch.size(); r++) {
            System.arraycopy(batch.get(r).values(), 0, v, r * dim, dim);
        }
        return Map.of(inputs.get(0).name(), BatchTensor.ofFloats(v, batch.size(), dim));
    }
}
