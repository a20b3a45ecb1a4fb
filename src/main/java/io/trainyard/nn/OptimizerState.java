package io.trainyard.nn;

/**
 * What an {@link Optimizer} carries from one step to the next within a run: the step counter
 * {@code t} and, per weight matrix and bias vector, momentum's velocity or adam's first and second
 * moments. Buffers are allocated once; a step allocates nothing. Not thread-safe: one per run.
 */
public final class OptimizerState {

    private final Optimizer optimizer;
    private long step;
    /** {@code weightSlots[s][l]}: slot s (velocity, or m then v) of Wl. */
    final double[][][] weightSlots;
    /** {@code biasSlots[s][l]}: slot s of bl; null without bias. */
    final double[][][] biasSlots;

    OptimizerState(Optimizer optimizer, int[] layerSizes, boolean bias) {
        this.optimizer = optimizer;
        int count = layerSizes.length - 1;
        weightSlots = new double[optimizer.slots()][count][];
        biasSlots = bias ? new double[optimizer.slots()][count][] : null;
        for (int s = 0; s < optimizer.slots(); s++) {
            for (int l = 0; l < count; l++) {
                weightSlots[s][l] = new double[layerSizes[l] * layerSizes[l + 1]];
                if (bias) {
                    biasSlots[s][l] = new double[layerSizes[l + 1]];
                }
            }
        }
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    /** Steps taken so far: adam's {@code t} after the last update. */
    public long step() {
        return step;
    }

    void setStep(long step) {
        this.step = step;
    }

    /** One update of every weight matrix and bias vector of {@code network} from its gradients. */
    void apply(Network network, double[][] weightGradients, double[][] biasGradients, double alpha) {
        step++;
        double[][] w = network.weights;
        double[][] b = network.biases;
        for (int l = 0; l < w.length; l++) {
            update(w[l], weightGradients[l], l, weightSlots, alpha);
            if (b != null) {
                update(b[l], biasGradients[l], l, biasSlots, alpha);
            }
        }
    }

    private void update(double[] target, double[] g, int l, double[][][] slots, double alpha) {
        if (optimizer instanceof Optimizer.Gd) {
            for (int i = 0; i < target.length; i++) {
                target[i] -= alpha * g[i];
            }
        } else if (optimizer instanceof Optimizer.Momentum momentum) {
            double beta = momentum.beta();
            double[] v = slots[0][l];
            for (int i = 0; i < target.length; i++) {
                v[i] = beta * v[i] + g[i];
                target[i] -= alpha * v[i];
            }
        } else if (optimizer instanceof Optimizer.Adam adam) {
            double beta1 = adam.beta1();
            double beta2 = adam.beta2();
            double epsilon = adam.epsilon();
            double correction1 = 1.0 - Math.pow(beta1, step);
            double correction2 = 1.0 - Math.pow(beta2, step);
            double[] m = slots[0][l];
            double[] v = slots[1][l];
            for (int i = 0; i < target.length; i++) {
                m[i] = beta1 * m[i] + (1.0 - beta1) * g[i];
                v[i] = beta2 * v[i] + (1.0 - beta2) * g[i] * g[i];
                target[i] -= alpha * (m[i] / correction1) / (Math.sqrt(v[i] / correction2) + epsilon);
            }
        } else {
            throw new IllegalStateException("no update rule for " + optimizer);
        }
    }

    /** A deep copy, for checkpoints. */
    OptimizerState copy() {
        OptimizerState out =
                new OptimizerState(optimizer, deepCopy(weightSlots), biasSlots == null ? null : deepCopy(biasSlots));
        out.step = step;
        return out;
    }

    /** State around existing buffers (a decoded checkpoint). */
    OptimizerState(Optimizer optimizer, double[][][] weightSlots, double[][][] biasSlots) {
        this.optimizer = optimizer;
        this.weightSlots = weightSlots;
        this.biasSlots = biasSlots;
    }

    private static double[][][] deepCopy(double[][][] slots) {
        double[][][] out = new double[slots.length][][];
        for (int s = 0; s < slots.length; s++) {
            out[s] = new double[slots[s].length][];
            for (int l = 0; l < slots[s].length; l++) {
                out[s][l] = slots[s][l].clone();
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return optimizer + " at step " + step;
    }
}
