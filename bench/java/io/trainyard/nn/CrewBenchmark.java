package io.trainyard.nn;

import java.util.Locale;

import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.random.Well19937c;

/**
 * The engine alone on the homework problem (400 training and 100 test rows, 5→20→1, sigmoid, bias,
 * 3,000 full-batch iterations with the test loss at every one): microseconds per iteration, best of
 * {@code rounds} after three warm-up runs. Run by {@code bench/crew} once per setting, each in a
 * fresh JVM, to compare the fused kernel on one thread with the kernel's helper crew and different
 * shard sizes ({@code -Dtrainyard.fused.helpers}, {@code -Dtrainyard.fused.shardWork}).
 */
public final class CrewBenchmark {

    private CrewBenchmark() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 9;
        Well19937c random = new Well19937c(1);
        int n = 400;
        int m = 100;
        double[][] x = BenchData.gaussian(n, 5, random);
        double[][] tx = BenchData.gaussian(m, 5, random);
        double[][] y = new double[n][1];
        double[][] ty = new double[m][1];
        for (int i = 0; i < n; i++) {
            y[i][0] = 0.5 * x[i][0] + 0.1 * random.nextGaussian();
        }
        for (int i = 0; i < m; i++) {
            ty[i][0] = 0.5 * tx[i][0];
        }
        Network start = Network.initialize(new int[] {5, 20, 1}, Activation.SIGMOID, true, 0.1, random);
        TrainingData data = new TrainingData(
                Samples.of(MatrixUtils.createRealMatrix(x), MatrixUtils.createRealMatrix(y)),
                null,
                Samples.of(MatrixUtils.createRealMatrix(tx), MatrixUtils.createRealMatrix(ty)));
        double best = Double.MAX_VALUE;
        StringBuilder all = new StringBuilder();
        for (int round = 0; round < rounds + 3; round++) {
            long t0 = System.nanoTime();
            new GradientDescent(0.1 / n, 3000).train(start, data, new LossHistory(), () -> false);
            double micros = (System.nanoTime() - t0) / 3001.0 / 1e3;
            all.append(String.format(Locale.ROOT, " %.1f", micros));
            if (round >= 3) {
                best = Math.min(best, micros);
            }
        }
        System.out.printf(
                Locale.ROOT,
                "best %.2f µs per iteration (train shards %d, test shards %d, %d helper(s)); every run:%s%n",
                best,
                SmallNetworkKernel.shardsFor(new int[] {5, 20, 1}, n),
                SmallNetworkKernel.shardsFor(new int[] {5, 20, 1}, m),
                Crew.SHARED.helpers(),
                all);
    }
}
