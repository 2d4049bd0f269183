package dev.regula.transfer.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Gradient collectors that several threads may hold at once. DJL's PyTorch collector guards itself
 * with a process-wide flag ("only one can be collecting at a time"), although libtorch's grad mode is
 * thread-local and autograd graphs of independent runs never meet. Parallel tuning trains one head per
 * thread, so on PyTorch this class drives the same JNI calls the engine's collector makes (grad mode on,
 * backward, grad mode restored) without the flag. The engine is a runtime-scope dependency of this
 * module, hence reflection; any other engine, or a PyTorch engine whose JNI signatures changed, gets
 * the engine's own collector.
 */
final class Gradients {
    private static final Method SET_GRAD_MODE;
    private static final Method IS_GRAD_MODE;
    private static final Method BACKWARD;

    static {
        Method set = null;
        Method is = null;
        Method backward = null;
        try {
            Class<?> jni = Class.forName("ai.djl.pytorch.jni.JniUtils");
            Class<?> array = Class.forName("ai.djl.pytorch.engine.PtNDArray");
            set = jni.getMethod("setGradMode", boolean.class);
            is = jni.getMethod("isGradMode");
            backward = jni.getMethod("backward", array, array, boolean.class, boolean.class);
        } catch (ReflectiveOperationException | LinkageError e) {
            set = null;
        }
        SET_GRAD_MODE = set;
        IS_GRAD_MODE = is;
        BACKWARD = backward;
    }

    private Gradients() {}

    /** A collector for the calling thread. */
    static GradientCollector collector(Engine engine) {
        if (SET_GRAD_MODE == null || !"PyTorch".equals(engine.getEngineName())) {
            return engine.newGradientCollector();
        }
        return new ThreadCollector();
    }

    /**
     * Turns grad mode off on the calling thread until closed, then restores it. libtorch starts every new
     * thread with grad mode on, while DJL's engine turns it off on the thread that loads it; without this, a
     * run on a worker thread would record its optimizer updates and fail ("a leaf Variable that requires
     * grad is being used in an in-place operation").
     */
    static Scope noGrad(Engine engine) {
        if (SET_GRAD_MODE == null || !"PyTorch".equals(engine.getEngineName())) {
            return () -> {};
        }
        boolean previous = (Boolean) call(IS_GRAD_MODE);
        call(SET_GRAD_MODE, false);
        return () -> {
            call(SET_GRAD_MODE, previous);
        };
    }

    /** A grad-mode change undone by {@link #close()}. */
    interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    private static Object call(Method m, Object... args) {
        try {
            return m.invoke(null, args);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot call " + m, e);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("cannot call " + m, cause);
        }
    }

    private static final class ThreadCollector implements GradientCollector {
        private final boolean previous;

        ThreadCollector() {
            previous = (Boolean) call(IS_GRAD_MODE);
            call(SET_GRAD_MODE, true);
        }

        @Override
        public void backward(NDArray target) {
            NDArray seed = target.getManager().ones(target.getShape(), target.getDataType()).toDevice(target.getDevice(), false);
            call(BACKWARD, target, seed, false, false);
        }

        @Override
        public void zeroGradients() {
            throw new UnsupportedOperationException("HeadTrainer zeroes its own gradients");
        }

        @Override
        public void close() {
            call(SET_GRAD_MODE, previous);
        }
    }
}
