package io.trainyard.job;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import io.trainyard.nn.Preprocessing;
import io.trainyard.system.TrainyardProperties;
import io.trainyard.system.WholeNumberRange;
import io.trainyard.system.WholeNumberRanges;

/**
 * The ranges of a job spec's whole-number fields, from the configured limits and the contract: what
 * {@link JobSpecResolver} checks, what the answer to a number no {@code int} holds quotes
 * ({@link WholeNumberRanges}), and what the OpenAPI document declares ({@link JobSpecOpenApi}). One
 * source, so that the three never disagree.
 */
@Component
public final class JobSpecRanges implements WholeNumberRanges {

    private final WholeNumberRange iterations;
    private final WholeNumberRange basisDegree;
    private final WholeNumberRange width;
    private final WholeNumberRange batchSize;
    private final WholeNumberRange patience;
    private final WholeNumberRange seed;

    @Autowired
    JobSpecRanges(TrainyardProperties properties) {
        this(properties.limits());
    }

    public JobSpecRanges(TrainyardProperties.Limits limits) {
        this.iterations =
                WholeNumberRange.between(0, limits.maxIterations()).because("trainyard.limits.max-iterations");
        this.basisDegree = WholeNumberRange.between(1, Preprocessing.MAX_BASIS_DEGREE);
        this.width = WholeNumberRange.between(1, limits.maxWidth()).because("trainyard.limits.max-width");
        this.batchSize = WholeNumberRange.atLeast(1)
                .because("rows per mini-batch; at least the training rows is full batch, as is leaving it out");
        this.patience = WholeNumberRange.atLeast(1).because("history points without improvement");
        // Any 64-bit number is a seed (API.md: SplitMix64 starts at s = seed, two's complement).
        this.seed = WholeNumberRange.between(Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** Gradient-descent steps, or epochs with a batch size. */
    WholeNumberRange iterations() {
        return iterations;
    }

    WholeNumberRange basisDegree() {
        return basisDegree;
    }

    /** Units of one hidden layer. */
    WholeNumberRange width() {
        return width;
    }

    WholeNumberRange batchSize() {
        return batchSize;
    }

    WholeNumberRange patience() {
        return patience;
    }

    @Override
    public WholeNumberRange of(Class<?> type, String property) {
        if (type == CreateJobRequest.class) {
            return switch (property) {
                case "iterations" -> iterations;
                case "basisDegree" -> basisDegree;
                case "layers" -> width;
                case "batchSize" -> batchSize;
                case "seed" -> seed;
                default -> null;
            };
        }
        if (type == EarlyStoppingOption.class && property.equals("patience")) {
            return patience;
        }
        return null;
    }
}
