package io.trainyard.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

import io.trainyard.nn.Activation;
import io.trainyard.nn.Network;
import io.trainyard.nn.Optimizer;
import io.trainyard.nn.Preprocessing;
import io.trainyard.nn.Samples;
import io.trainyard.nn.Trainer;
import io.trainyard.nn.TrainingData;
import io.trainyard.nn.TrainingListener;
import io.trainyard.nn.TrainingPlan;
import io.trainyard.nn.TrainingState;

class StoredCheckpointTests {

    private static final TrainingState STATE = new Trainer(
                    TrainingPlan.fullBatch(0.01, 10).withOptimizer(new Optimizer.Adam(0.9, 0.999, 1e-8)))
            .train(
                    Network.initialize(new int[] {2, 3, 1}, Activation.TANH, true, 0.5, new Well19937c(1)),
                    TrainingData.of(Samples.of(
                            new Array2DRowRealMatrix(new double[][] {{1, 2}, {3, 4}, {5, 7}}),
                            new Array2DRowRealMatrix(new double[][] {{1}, {0}, {2}}))),
                    TrainingListener.NONE,
                    () -> true)
            .state();

    @Test
    void withoutPreprocessingTheBytesAreTheEngineStateBehindItsChecksum() {
        byte[] bytes = StoredCheckpoint.encode(STATE, null);

        assertThat(bytes[0]).isEqualTo(StoredCheckpoint.CHECKED);
        assertThat(Arrays.copyOfRange(bytes, 5, bytes.length)).isEqualTo(STATE.encode());
        assertThat(StoredCheckpoint.state(bytes).encode()).isEqualTo(STATE.encode());
        assertThat(StoredCheckpoint.preprocessing(bytes)).isEmpty();
    }

    @Test
    void checkpointsWrittenBeforeTheChecksumStillResume() {
        byte[] legacy = STATE.encode();

        assertThat(StoredCheckpoint.state(legacy).encode()).isEqualTo(STATE.encode());
        assertThat(StoredCheckpoint.preprocessing(legacy)).isEmpty();
    }

    /** Any changed bit, a weight's exponent or the iteration count as much as a length, is refused. */
    @Test
    void aCheckpointChangedAnywhereAfterItWasWrittenIsRefusedAsUnreadable() {
        for (Preprocessing preprocessing :
                new Preprocessing[] {null, Preprocessing.of(2, new double[] {1, 2}, new double[] {3, 4})}) {
            byte[] bytes = StoredCheckpoint.encode(STATE, preprocessing);
            for (int at = 1; at < bytes.length; at++) {
                byte[] changed = bytes.clone();
                changed[at] ^= (byte) (1 << (at % 8));
                assertThatThrownBy(() -> StoredCheckpoint.state(changed))
                        .as("bit %d of byte %d", at % 8, at)
                        .isInstanceOf(IllegalArgumentException.class);
            }
        }
    }

    /** Without a checksum (an old checkpoint), a damaged count is unreadable too, never another exception. */
    @Test
    void anOldCheckpointWithADamagedCountIsUnreadableNotACrash() {
        byte[] legacy = STATE.encode();
        for (int at = 1; at < Math.min(legacy.length, 64); at++) {
            byte[] changed = legacy.clone();
            changed[at] = (byte) 0xFF;
            try {
                StoredCheckpoint.state(changed);
            } catch (RuntimeException e) {
                assertThat(e).as("byte %d", at).isInstanceOf(IllegalArgumentException.class);
            }
        }
    }

    @Test
    void aWarmStartsPreprocessingTravelsWithTheStateBitForBit() {
        double[] mean = {0.1 + 0.2, -3e-300, 7};
        double[] std = {Math.PI, 1e300, Double.MIN_VALUE};
        byte[] bytes = StoredCheckpoint.encode(STATE, Preprocessing.of(3, mean, std));

        assertThat(bytes[0]).isNotEqualTo(TrainingState.FORMAT_VERSION);
        assertThat(StoredCheckpoint.state(bytes).encode()).isEqualTo(STATE.encode());
        Preprocessing read = StoredCheckpoint.preprocessing(bytes).orElseThrow();
        assertThat(read.basisDegree()).isEqualTo(3);
        assertThat(read.normalize()).isTrue();
        assertThat(read.mean()).isEqualTo(mean);
        assertThat(read.std()).isEqualTo(std);

        Preprocessing expansionOnly = StoredCheckpoint.preprocessing(
                        StoredCheckpoint.encode(STATE, Preprocessing.of(2, null, null)))
                .orElseThrow();
        assertThat(expansionOnly.basisDegree()).isEqualTo(2);
        assertThat(expansionOnly.normalize()).isFalse();
    }

    @Test
    void aTruncatedCheckpointIsRefusedAsUnreadable() {
        byte[] bytes = StoredCheckpoint.encode(STATE, Preprocessing.of(1, new double[] {1, 2}, new double[] {3, 4}));

        for (int length : new int[] {1, 7, 20, bytes.length - 1}) {
            byte[] cut = Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> StoredCheckpoint.state(cut))
                    .as("%d bytes", length)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
