package io.trainyard.nn;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Hidden-layer activation functions. The derivative is computed from the pre-activation
 * {@code in} and the activation {@code out = apply(in)}, whichever is cheaper for the function
 * (sigmoid and tanh reuse {@code out}, relu looks at {@code in}).
 */
public enum Activation {

    /** The logistic function {@code 1 / (1 + e^-x)}. */
    SIGMOID {
        @Override
        public double apply(double in) {
            return 1.0 / (1.0 + Math.exp(-in));
        }

        @Override
        public double derivative(double in, double out) {
            return out * (1.0 - out);
        }

        @Override
        void applyAll(double[] in, double[] out, int from, int to) {
            if (Simd.ENABLED) {
                VectorActivations.sigmoid(in, out, from, to);
                return;
            }
            for (int i = from; i < to; i++) {
                out[i] = 1.0 / (1.0 + Math.exp(-in[i]));
            }
        }

        @Override
        void multiplyByDerivative(double[] delta, double[] in, double[] out, int from, int to) {
            for (int i = from; i < to; i++) {
                delta[i] *= out[i] * (1.0 - out[i]);
            }
        }
    },

    /** {@code max(0, x)}; its derivative is taken as 0 at 0. */
    RELU {
        @Override
        public double apply(double in) {
            // Written so that NaN stays NaN (a comparison with NaN is false), as ONNX's Relu and
            // numpy's maximum keep it: "in > 0 ? in : 0" turned an overflowed input into a finite 0,
            // and a prediction or a diverging run then looked like a number.
            return in <= 0.0 ? 0.0 : in;
        }

        @Override
        public double derivative(double in, double out) {
            return in > 0.0 ? 1.0 : 0.0;
        }

        @Override
        void applyAll(double[] in, double[] out, int from, int to) {
            if (Simd.ENABLED) {
                VectorActivations.relu(in, out, from, to);
                return;
            }
            for (int i = from; i < to; i++) {
                out[i] = in[i] <= 0.0 ? 0.0 : in[i];
            }
        }

        @Override
        void multiplyByDerivative(double[] delta, double[] in, double[] out, int from, int to) {
            if (Simd.ENABLED) {
                VectorActivations.reluDerivative(delta, in, from, to);
                return;
            }
            for (int i = from; i < to; i++) {
                delta[i] = in[i] > 0.0 ? delta[i] : 0.0;
            }
        }
    },

    /** The hyperbolic tangent. */
    TANH {
        @Override
        public double apply(double in) {
            return Math.tanh(in);
        }

        @Override
        public double derivative(double in, double out) {
            return 1.0 - out * out;
        }

        @Override
        void applyAll(double[] in, double[] out, int from, int to) {
            if (Simd.ENABLED) {
                VectorActivations.tanh(in, out, from, to);
                return;
            }
            for (int i = from; i < to; i++) {
                out[i] = Math.tanh(in[i]);
            }
        }

        @Override
        void multiplyByDerivative(double[] delta, double[] in, double[] out, int from, int to) {
            for (int i = from; i < to; i++) {
                delta[i] *= 1.0 - out[i] * out[i];
            }
        }
    },

    /** The identity: a network of linear layers, which as a whole is still a linear model. */
    NONE {
        @Override
        public double apply(double in) {
            return in;
        }

        @Override
        public double derivative(double in, double out) {
            return 1.0;
        }

        @Override
        void applyAll(double[] in, double[] out, int from, int to) {
            if (out != in) {
                System.arraycopy(in, from, out, from, to - from);
            }
        }

        @Override
        void multiplyByDerivative(double[] delta, double[] in, double[] out, int from, int to) {
            // the derivative is 1: nothing to do
        }
    };

    /** The activation of one pre-activation value. */
    public abstract double apply(double in);

    /** The derivative at {@code in}, given {@code out = apply(in)}. */
    public abstract double derivative(double in, double out);

    /**
     * {@code out[i] = apply(in[i])} for {@code from <= i < to}. Built-in constants override
     * this with a loop of their own so the JIT sees one function per loop and can inline it; a new
     * constant only needs {@link #apply} and {@link #derivative}. {@code out} may be {@code in}.
     */
    void applyAll(double[] in, double[] out, int from, int to) {
        for (int i = from; i < to; i++) {
            out[i] = apply(in[i]);
        }
    }

    /** {@code delta[i] *= derivative(in[i], out[i])} for {@code from <= i < to}: backpropagation through the activation. */
    void multiplyByDerivative(double[] delta, double[] in, double[] out, int from, int to) {
        for (int i = from; i < to; i++) {
            delta[i] *= derivative(in[i], out[i]);
        }
    }

    /** The name used in job specs and stored models: {@code sigmoid}, {@code relu}, … */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a name as users write it (case-insensitive).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Activation fromId(String id) {
        for (Activation activation : values()) {
            if (activation.id().equalsIgnoreCase(id)) {
                return activation;
            }
        }
        throw new IllegalArgumentException("unknown activation '" + id + "'; use one of " + ids());
    }

    /** Every activation's name, as users write it, in declaration order. */
    public static List<String> ids() {
        return Arrays.stream(values()).map(Activation::id).toList();
    }
}
