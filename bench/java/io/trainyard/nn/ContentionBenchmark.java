package io.trainyard.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.random.Well19937c;

/**
 * The engine alone on the homework problem (400 training and 100 test rows, 5→20→1, sigmoid, bias,
 * 3,000 full-batch iterations with the test loss) while other threads of the same process take a
 * core now and then, as the JIT compiler does in a young service and other processes do on a shared
 * machine: milliseconds per job (median, 10th and 90th percentile) over a few seconds of jobs. Run
 * by {@code bench/contention}.
 *
 * <p>Arguments: seconds of jobs; how long each competing thread runs at a time (ms); the mean pause
 * between its runs (ms, drawn uniformly from half to one and a half times it); competing threads.
 * A burst of 0 runs the jobs alone.
 */
public final class ContentionBenchmark {

    private static volatile boolean stop;

    private ContentionBenchmark() {}

    public static void main(String[] args) throws InterruptedException {
        double seconds = Double.parseDouble(args[0]);
        long burst = (long) (Double.parseDouble(args[1]) * 1e6);
        long gap = (long) (Double.parseDouble(args[2]) * 1e6);
        int competitors = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        Well19937c random = new Well19937c(1);
        double[][] x = BenchData.gaussian(400, 5, random);
        double[][] tx = BenchData.gaussian(100, 5, random);
        double[][] y = new double[400][1];
        double[][] ty = new double[100][1];
        for (int i = 0; i < 400; i++) {
            y[i][0] = Math.sin(x[i][0] + x[i][1]);
        }
        for (int i = 0; i < 100; i++) {
            ty[i][0] = Math.sin(tx[i][0] + tx[i][1]);
        }
        TrainingData data = new TrainingData(
                Samples.of(MatrixUtils.createRealMatrix(x), MatrixUtils.createRealMatrix(y)),
                null,
                Samples.of(MatrixUtils.createRealMatrix(tx), MatrixUtils.createRealMatrix(ty)));
        Network start = Network.initialize(new int[] {5, 20, 1}, Activation.SIGMOID, true, 0.1, new Well19937c(2));
        for (int i = 0; i < 60; i++) { // warm-up: every loop compiled before the clock starts
            job(start, data);
        }
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; burst > 0 && c < competitors; c++) {
            long seed = c;
            Thread competitor = new Thread(() -> compete(burst, gap, seed), "competitor-" + c);
            competitor.setDaemon(true);
            competitor.start();
            threads.add(competitor);
        }
        long backupsBefore = Crew.SHARED.backupRuns();
        List<Double> millis = new ArrayList<>();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            long t = System.nanoTime();
            job(start, data);
            millis.add((System.nanoTime() - t) / 1e6);
        }
        stop = true;
        for (Thread thread : threads) {
            thread.join();
        }
        Collections.sort(millis);
        System.out.printf(
                Locale.ROOT,
                "jobs %d, ms per job: median %.1f, p10 %.1f, p90 %.1f; backups %d%n",
                millis.size(),
                millis.get(millis.size() / 2),
                millis.get(millis.size() / 10),
                millis.get(millis.size() * 9 / 10),
                Crew.SHARED.backupRuns() - backupsBefore);
    }

    private static void job(Network start, TrainingData data) {
        new GradientDescent(0.1 / 400, 3000).train(start, data, new LossHistory(), () -> false);
    }

    /** Busy for {@code burst} ns, then parked for about {@code gap} ns, until the jobs are done. */
    private static void compete(long burst, long gap, long seed) {
        java.util.Random random = new java.util.Random(seed);
        double sink = 0;
        while (!stop) {
            long t = System.nanoTime();
            while (System.nanoTime() - t < burst) {
                sink += Math.sqrt(sink + 1);
            }
            LockSupport.parkNanos((long) (gap * (0.5 + random.nextDouble())));
        }
        if (sink == 42) {
            System.out.println(); // keeps the loop from being optimised away
        }
    }
}
