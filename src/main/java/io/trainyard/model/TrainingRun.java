package io.trainyard.model;

import java.time.Duration;
import java.util.List;

/**
 * What the training side knows about the run that produced a model; the model side adds the
 * build's version and commit and the matrix-product implementation.
 *
 * @param spec the resolved job spec (any object Jackson can write; stored as JSON)
 * @param dataDigest {@link DataDigest#sha256} of the rows the network was trained on
 * @param inputColumns names of the raw input columns, or null when the data did not name them
 * @param outputColumns names of the outputs (the data set's target columns), or null
 */
public record TrainingRun(
        String sweepId,
        String datasetId,
        String datasetName,
        String dataDigest,
        Object spec,
        Duration trainingTime,
        List<String> inputColumns,
        List<String> outputColumns) {}
