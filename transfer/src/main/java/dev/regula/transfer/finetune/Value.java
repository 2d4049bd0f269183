package dev.regula.transfer.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Objects;

/**
 * A tensor while the interpreter runs: int64 shape plumbing stays on the Java heap ({@link Host}),
 * so the dozens of Shape/Gather/Concat nodes per layer never touch libtorch nor the autograd
 * graph; everything else is an NDArray ({@link Dense}).
 */
sealed interface Value permits Value.Host, Value.Dense {
    /** The tensor's dims. */
    long[] shape();

    /** An int64 tensor held in Java, row-major; {@code shape} empty means a scalar. */
    record Host(long[] data, long[] shape) implements Value {
        public Host {
            Objects.requireNonNull(data, "data");
            Objects.requireNonNull(shape, "shape");
            long n = 1;
            for (long d : shape) {
                if (d < 0) {
                    throw new IllegalArgumentException("Host tensor dims " + Arrays.toString(shape) + " hold a negative dim");
                }
                n = Math.multiplyExact(n, d);
            }
            if (n != data.length) {
                throw new IllegalArgumentException("Host tensor dims " + Arrays.toString(shape) + " need " + n
                        + " values, got " + data.length);
            }
        }

        static Host vector(long... data) {
            return new Host(data, new long[] {data.length});
        }

        static Host scalar(long v) {
            return new Host(new long[] {v}, new long[0]);
        }

        int rank() {
            return shape.length;
        }

        NDArray toNd(NDManager manager) {
            return manager.create(data, new Shape(shape));
        }
    }

    /** A tensor held by libtorch; it may take part in autograd. */
    record Dense(NDArray array) implements Value {
        public Dense {
            Objects.requireNonNull(array, "array");
        }

        @Override
        public long[] shape() {
            return array.getShape().getShape();
        }

        DataType type() {
            return array.getDataType();
        }
    }

    /** {@code v} as an NDArray, created in {@code manager} when it is a host tensor. */
    static NDArray nd(Value v, NDManager manager) {
        return v instanceof Dense d ? d.array() : ((Host) v).toNd(manager);
    }
}
