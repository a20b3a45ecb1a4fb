package io.trainyard.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

import io.trainyard.nn.Activation;
import io.trainyard.nn.Model;
import io.trainyard.nn.Network;
import io.trainyard.nn.Preprocessing;

/** The model cache alone: what it keeps, for how long, and what a model weighs. */
class ModelCacheTests {

    private final AtomicInteger loads = new AtomicInteger();

    private Optional<ModelRepository.Owned> load(String id) {
        loads.incrementAndGet();
        return Optional.of(new ModelRepository.Owned(stored(id), "alice"));
    }

    private Optional<ModelRepository.Owned> loadNothing(String id) {
        loads.incrementAndGet();
        return Optional.empty();
    }

    @Test
    void aModelIsReadOnceUntilItIsEvicted() {
        ModelCache cache = new ModelCache(new ModelCacheProperties(DataSize.ofMegabytes(1), Duration.ofMinutes(5)));

        ModelRepository.Owned first = cache.get("m", this::load).orElseThrow();
        ModelRepository.Owned second = cache.get("m", this::load).orElseThrow();

        assertThat(loads).hasValue(1);
        assertThat(second).isSameAs(first);
        assertThat(second.owner()).isEqualTo("alice");

        cache.evict("m");
        cache.get("m", this::load).orElseThrow();

        assertThat(loads).hasValue(2);
    }

    @Test
    void aMissIsNotRememberedSoAModelStoredElsewhereIsFoundAtOnce() {
        ModelCache cache = new ModelCache(new ModelCacheProperties(DataSize.ofMegabytes(1), Duration.ofMinutes(5)));

        assertThat(cache.get("m", this::loadNothing)).isEmpty();
        assertThat(cache.get("m", this::load)).isPresent();
        assertThat(loads).hasValue(2);
    }

    @Test
    void aZeroTimeToLiveReadsTheDatabaseEveryTime() {
        ModelCache cache = new ModelCache(new ModelCacheProperties(DataSize.ofMegabytes(1), Duration.ZERO));

        cache.get("m", this::load);
        cache.get("m", this::load);

        assertThat(loads).hasValue(2);
    }

    @Test
    void aModelWeighsItsParametersAndPreprocessing() {
        Model plain = stored("m").model();
        Model normalised =
                new Model(plain.network(), Preprocessing.of(1, new double[] {1, 2, 3}, new double[] {1, 1, 1}));

        // 3 × 4 + 4 × 1 weights, 4 + 1 biases = 21 doubles; normalisation adds a mean and a std per input.
        assertThat(ModelCache.weight(plain)).isEqualTo(21 * 8 + 4096);
        assertThat(ModelCache.weight(normalised)).isEqualTo((21 + 6) * 8 + 4096);
    }

    private static StoredModel stored(String id) {
        RealMatrix w0 = new Array2DRowRealMatrix(3, 4);
        RealMatrix w1 = new Array2DRowRealMatrix(4, 1);
        Network network = Network.of(
                new int[] {3, 4, 1},
                Activation.TANH,
                List.of(w0, w1),
                List.of(new ArrayRealVector(4), new ArrayRealVector(1)));
        Model model = new Model(network, Preprocessing.identity());
        return new StoredModel(id, null, Instant.EPOCH, model, null, null, null, null, null);
    }
}
