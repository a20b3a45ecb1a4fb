package io.trainyard.model;

import io.swagger.v3.oas.annotations.media.Schema;

import tools.jackson.databind.JsonNode;

/**
 * Where a model came from: enough to find, reproduce or distrust it. Unknown parts are null (an
 * imported model knows none of the training parts; a model stored before lineage existed knows
 * only its job).
 *
 * @param dataDigest SHA-256 (hex) of the training rows as used, after every split: see {@link DataDigest}
 * @param spec the resolved job spec, every default filled in and the seed included
 * @param version the service version that trained or imported it (Spring Boot build-info)
 * @param commit the git commit of that build (git.properties), null when built without .git
 * @param matrixProducts which matrix-product implementation computed the numbers (they can differ in the last bits)
 */
@Schema(name = "Lineage", description = "Where a model came from; unknown parts are null")
public record Lineage(
        @Schema(description = "The job that trained it") String jobId,

        @Schema(description = "The sweep the job belonged to")
        String sweepId,

        @Schema(example = "hw5") String datasetId,
        @Schema(example = "hw5") String datasetName,

        @Schema(
                description = "SHA-256 (hex) of the training rows as used, after the test and validation splits: "
                        + "for each row its x values then its y values as IEEE-754 big-endian doubles",
                example = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
        String dataDigest,

        @Schema(description = "The resolved job spec, seed included")
        JsonNode spec,

        @Schema(example = "0.1.0-SNAPSHOT") String version,

        @Schema(example = "438cf40d3c0e1f7b9a2e5c4d6b8a0f1e2d3c4b5a")
        String commit,

        @Schema(example = "OpenBLAS (native, JNI)") String matrixProducts,
        @Schema(example = "1.84") Double trainingSeconds,

        @Schema(description = "True for a model stored with POST /models")
        boolean imported) {

    static Lineage imported(BuildVersion build) {
        return new Lineage(null, null, null, null, null, null, build.version(), build.commit(), null, null, true);
    }
}
