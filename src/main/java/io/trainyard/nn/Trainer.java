package io.trainyard.nn;

import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Trains a network as a {@link TrainingPlan} says: full batch or mini-batches, with its optimizer,
 * optionally stopping early; and resumes a run bit-identically from a {@link TrainingState}.
 *
 * <p>History point {@code i} holds the full-data losses and the full-data gradient norms with the
 * weights after {@code i} iterations (epochs, with mini-batches). For full batch the gradient of a
 * point is the one the next step uses; with mini-batches it costs one extra pass over the training
 * rows per epoch, and every batch reuses preallocated buffers, so an epoch allocates nothing.
 *
 * <p>A {@code Trainer} holds no run state and can train any number of runs, also concurrently.
 */
public final class Trainer {

    private final TrainingPlan plan;
    /** Whether the inputs it trains on are normalised already: its diagnostics then don't advise normalising. */
    private final boolean normalizedInputs;

    public Trainer(TrainingPlan plan) {
        this(plan, false);
    }

    public Trainer(TrainingPlan plan, boolean normalizedInputs) {
        if (plan == null) {
            throw new IllegalArgumentException("a trainer needs a training plan");
        }
        this.plan = plan;
        this.normalizedInputs = normalizedInputs;
    }

    public TrainingPlan plan() {
        return plan;
    }

    /** Trains a copy of {@code start} without a listener or a way to cancel. */
    public TrainingResult train(Network start, TrainingData data) {
        return train(start, data, TrainingListener.NONE, () -> false);
    }

    /**
     * Trains a copy of {@code start}; {@code start} itself is left as it was.
     *
     * <p>Never throws for a diverging loss: a point whose training, validation or test loss is not a
     * finite number ends the run at once with {@link TrainingResult.Outcome#DIVERGED}, after the
     * listener has seen every finite point (a history, a model and early stopping hold numbers only).
     *
     * @param listener sees history points {@code 0..}, in order, through
     *     {@link TrainingListener#onIteration(IterationReport, TrainingView)}
     * @param cancelRequested polled after each point; true ends the run as
     *     {@link TrainingResult.Outcome#CANCELLED}, with the weights of that point and a state to resume from
     * @throws IllegalArgumentException when early stopping monitors a validation set the data lacks,
     *     or the data does not fit the network
     */
    public TrainingResult train(
            Network start, TrainingData data, TrainingListener listener, BooleanSupplier cancelRequested) {
        checkMonitor(data);
        Network network = start.copy();
        Run run = new Run(
                network,
                data,
                plan.optimizer().newState(network.layerSizes(), network.hasBias()),
                new SplitMix64(plan.seed()),
                listener,
                cancelRequested);
        return run.goEnlisted(false);
    }

    /**
     * Continues the run that {@code from} was taken from: the listener sees points
     * {@code from.iteration() + 1, …} and the weights, history and outcome are bit-identical to
     * the run that was never interrupted, provided the plan and data are the same.
     *
     * @throws IllegalArgumentException when the state does not fit this plan (another optimizer,
     *     more iterations than planned, early stopping switched on or off)
     */
    public TrainingResult resume(
            TrainingState from, TrainingData data, TrainingListener listener, BooleanSupplier cancelRequested) {
        checkMonitor(data);
        if (!from.optimizer.optimizer().equals(plan.optimizer())) {
            throw new IllegalArgumentException("the checkpoint was taken with optimizer " + from.optimizer.optimizer()
                    + " but the plan uses " + plan.optimizer());
        }
        if (from.iteration > plan.iterations()) {
            throw new IllegalArgumentException(
                    "the checkpoint is at iteration " + from.iteration + " but the plan has only " + plan.iterations());
        }
        EarlyStopping stopping = plan.earlyStopping();
        if ((from.bestIteration >= 0) != (stopping != null)
                || (from.bestNetwork != null) != (stopping != null && stopping.restoreBest())) {
            throw new IllegalArgumentException(
                    "the checkpoint's early stopping state does not fit the plan's " + "early stopping " + stopping);
        }
        Run run = new Run(
                from.network.copy(),
                data,
                from.optimizer.copy(),
                new SplitMix64(from.generator),
                listener,
                cancelRequested);
        run.iteration = from.iteration;
        run.firstGradientNorms = from.firstGradientNorms == null ? null : from.firstGradientNorms.clone();
        run.last = from.last;
        run.best = from.best;
        run.bestIteration = from.bestIteration;
        run.wait = from.wait;
        run.bestReport = from.bestReport;
        run.bestNetwork = from.bestNetwork == null ? null : from.bestNetwork.copy();
        return run.goEnlisted(true);
    }

    private void checkMonitor(TrainingData data) {
        EarlyStopping stopping = plan.earlyStopping();
        if (stopping != null && stopping.monitor() == EarlyStopping.Monitor.VALIDATION && data.validation() == null) {
            throw new IllegalArgumentException("early stopping monitors the validation loss but the run has no "
                    + "validation set; add one or monitor train");
        }
    }

    /** One run's mutable state and buffers. */
    private final class Run implements TrainingView {

        private final Network network;
        private final Samples train;
        private final Propagation full;
        private final Propagation validation;
        private final Propagation test;
        /** The full-batch point: training pass, validation and test losses in one round. */
        private final Propagation.Point point;

        private final OptimizerState optimizer;
        private final SplitMix64 generator;
        private final TrainingListener listener;
        private final BooleanSupplier cancelRequested;
        private final EarlyStopping stopping;
        private final boolean miniBatches;
        private final int[] order;
        private final Samples batchRows;
        private final Propagation batch;
        private final Samples restRows;
        private final Propagation rest;
        /** Whether {@code full}'s last forward pass used the current weights. */
        private boolean fullIsCurrent;

        int iteration;
        double[] firstGradientNorms;
        IterationReport last;
        double best;
        int bestIteration = -1;
        int wait;
        IterationReport bestReport;
        Network bestNetwork;

        Run(
                Network network,
                TrainingData data,
                OptimizerState optimizer,
                SplitMix64 generator,
                TrainingListener listener,
                BooleanSupplier cancelRequested) {
            this.network = network;
            this.train = data.train();
            this.full = new Propagation(network, train);
            this.validation = data.validation() == null ? null : new Propagation(network, data.validation());
            this.test = data.test() == null ? null : new Propagation(network, data.test());
            this.point = new Propagation.Point(full, validation, test);
            this.optimizer = optimizer;
            this.generator = generator;
            this.listener = listener;
            this.cancelRequested = cancelRequested;
            this.stopping = plan.earlyStopping();
            int n = train.rows;
            this.miniBatches = plan.miniBatches(n);
            if (miniBatches) {
                int size = plan.batchSize();
                order = new int[n];
                batchRows = Samples.buffer(size, train.inputWidth, train.outputWidth);
                batch = new Propagation(network, batchRows);
                int remainder = n % size;
                restRows = remainder == 0 ? null : Samples.buffer(remainder, train.inputWidth, train.outputWidth);
                rest = remainder == 0 ? null : new Propagation(network, restRows);
            } else {
                order = null;
                batchRows = null;
                batch = null;
                restRows = null;
                rest = null;
            }
        }

        /** {@link #go}, counted among the process's training runs: the kernel's helpers join only a lone run. */
        TrainingResult goEnlisted(boolean resumed) {
            Crew.SHARED.enlist();
            try {
                return go(resumed);
            } finally {
                Crew.SHARED.dismiss();
            }
        }

        TrainingResult go(boolean resumed) {
            if (resumed) {
                TrainingResult end = afterPoint(stopping != null && wait >= stopping.patience());
                if (end != null) {
                    return end;
                }
                if (!miniBatches) {
                    // The step from a resumed point needs that point's gradient, exactly as the
                    // uninterrupted run computed it.
                    full.lossAndGradient();
                    fullIsCurrent = true;
                }
                step();
            }
            TrainingResult end;
            do {
                end = iterate();
            } while (end == null);
            return end;
        }

        /**
         * One iteration: the point at the current weights, reported to the listener, then the step
         * to the next weights; null to go on. A method of its own, called once per iteration, so
         * the JIT compiles the whole iteration with C2 after a few thousand calls. Inside
         * {@link #go}'s loop it would wait for the loop's back-edge counters (tens of thousands,
         * summed over runs): a fresh process's first dozens of 3,000-iteration jobs ran their
         * iterations from the interpreter and C1's profiling code.
         */
        private TrainingResult iterate() {
            double trainLoss = point.run();
            fullIsCurrent = true;
            String notFinite = point.notFinite(trainLoss);
            if (notFinite != null) {
                return diverged(notFinite);
            }
            IterationReport report = report(trainLoss);
            if (firstGradientNorms == null) {
                firstGradientNorms = report.gradientNorms().clone();
            }
            boolean stop = observe(report);
            last = report;
            listener.onIteration(report, this);
            TrainingResult end = afterPoint(stop);
            if (end != null) {
                return end;
            }
            step();
            return null;
        }

        /** From the reported point to the next weights. */
        private void step() {
            if (miniBatches) {
                epoch();
            } else {
                optimizer.apply(network, full.weightGradients(), full.biasGradients(), plan.alpha());
            }
            fullIsCurrent = false;
            iteration++;
        }

        /** Ends the run after a reported point, or returns null to go on. */
        private TrainingResult afterPoint(boolean stop) {
            if (iteration == plan.iterations()) {
                return completed(false);
            }
            if (stop) {
                return completed(true);
            }
            // Checked here, between a reported point and the next step, so that a cancelled run's
            // weights are exactly those of its last history point.
            if (cancelRequested.getAsBoolean()) {
                return new TrainingResult(
                        TrainingResult.Outcome.CANCELLED,
                        iteration,
                        network,
                        last,
                        "cancelled after " + iteration + " of " + plan.iterations() + " iterations",
                        false,
                        stopping == null ? null : bestIteration,
                        last,
                        diagnostics(),
                        checkpoint());
            }
            return null;
        }

        private TrainingResult completed(boolean stoppedEarly) {
            Diagnostics diagnostics = diagnostics();
            Network kept = network;
            IterationReport point = last;
            if (bestNetwork != null) {
                kept = bestNetwork;
                point = bestReport;
            }
            return new TrainingResult(
                    TrainingResult.Outcome.COMPLETED,
                    iteration,
                    kept,
                    last,
                    null,
                    stoppedEarly,
                    stopping == null ? null : bestIteration,
                    point,
                    diagnostics,
                    null);
        }

        /** @param notFinite which loss stopped being a number, e.g. "train loss is Infinity" */
        private TrainingResult diverged(String notFinite) {
            Diagnostics diagnostics = Diagnostics.compute(
                    network,
                    null,
                    plan.alpha(),
                    firstGradientNorms,
                    last == null ? null : last.gradientNorms(),
                    last == null ? null : last.weightNorms(),
                    true,
                    normalizedInputs);
            return new TrainingResult(
                    TrainingResult.Outcome.DIVERGED,
                    iteration,
                    network,
                    last,
                    // The point that is not a number is not stored: say where the history (and the
                    // job's progress) ends, one before it, so the two numbers a user sees agree.
                    "diverged at iteration " + iteration + ": " + notFinite
                            + (last == null
                                    ? ""
                                    : "; the history ends at iteration " + last.iteration()
                                            + ", its last finite point"),
                    false,
                    stopping == null ? null : bestIteration,
                    last,
                    diagnostics,
                    null);
        }

        private IterationReport report(double trainLoss) {
            int depth = network.depth();
            double[] gradientNorms = new double[depth];
            full.gradientNorms(gradientNorms);
            double[] weightNorms = new double[depth];
            for (int l = 0; l < depth; l++) {
                weightNorms[l] = Dense.frobeniusNorm(network.weights[l], network.weights[l].length);
            }
            return new IterationReport(
                    iteration, trainLoss, point.validationLoss(), point.testLoss(), gradientNorms, weightNorms);
        }

        /** Early stopping's bookkeeping for a new point; true when it ends the run. */
        private boolean observe(IterationReport report) {
            if (stopping == null) {
                return false;
            }
            double loss =
                    stopping.monitor() == EarlyStopping.Monitor.TRAIN ? report.trainLoss() : report.validationLoss();
            if (bestIteration < 0 || loss < best - stopping.minDelta()) {
                best = loss;
                bestIteration = iteration;
                wait = 0;
                bestReport = report;
                if (stopping.restoreBest()) {
                    if (bestNetwork == null) {
                        bestNetwork = network.copy();
                    } else {
                        bestNetwork.copyFrom(network.weights, network.biases);
                    }
                }
            } else {
                wait++;
            }
            return wait >= stopping.patience();
        }

        /** One pass over the training rows in a fresh permutation, one update per batch. */
        private void epoch() {
            generator.permutation(order);
            int size = plan.batchSize();
            int n = order.length;
            for (int start = 0; start < n; start += size) {
                int rows = Math.min(size, n - start);
                Samples buffer = rows == size ? batchRows : restRows;
                Propagation propagation = rows == size ? batch : rest;
                for (int r = 0; r < rows; r++) {
                    buffer.copyRow(train, order[start + r], r);
                }
                propagation.samplesChanged();
                propagation.lossAndGradient();
                optimizer.apply(network, propagation.weightGradients(), propagation.biasGradients(), plan.alpha());
            }
        }

        @Override
        public TrainingState checkpoint() {
            return new TrainingState(
                    iteration,
                    network.copy(),
                    optimizer.copy(),
                    generator.state(),
                    firstGradientNorms == null ? null : firstGradientNorms.clone(),
                    last,
                    best,
                    bestIteration,
                    wait,
                    bestReport,
                    bestNetwork == null ? null : bestNetwork.copy());
        }

        @Override
        public Diagnostics diagnostics() {
            if (last == null) {
                return new Diagnostics(List.of(), List.of());
            }
            if (!fullIsCurrent) {
                full.forward();
                fullIsCurrent = true;
            }
            return Diagnostics.compute(
                    network,
                    full,
                    plan.alpha(),
                    firstGradientNorms,
                    last.gradientNorms(),
                    last.weightNorms(),
                    false,
                    normalizedInputs);
        }
    }
}
