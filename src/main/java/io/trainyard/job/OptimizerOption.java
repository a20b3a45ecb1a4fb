package io.trainyard.job;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.swagger.v3.oas.annotations.media.Schema;
import io.trainyard.nn.Optimizer;

/**
 * The {@code optimizer} of a job spec: as sent (any part may be missing) and as resolved by
 * {@link JobSpecResolver} (the type and every parameter of that type filled in, the others null).
 *
 * @param type {@code gd}, {@code momentum} or {@code adam}
 * @param beta momentum only: {@code v ← beta·v + g}
 * @param beta1 adam only: decay of the first moment
 * @param beta2 adam only: decay of the second moment
 * @param epsilon adam only: added to the root of the second moment
 */
@Schema(name = "Optimizer", description = "The update rule (API.md \"Training options\"). Default {\"type\": \"gd\"}")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OptimizerOption(
        @Schema(
                description = "gd, momentum or adam",
                example = "adam",
                allowableValues = {"gd", "momentum", "adam"})
        String type,

        @Schema(description = "momentum: v ← beta·v + g, in [0, 1). Default 0.9", example = "0.9")
        Double beta,

        @Schema(description = "adam: first-moment decay, in [0, 1). Default 0.9", example = "0.9")
        Double beta1,

        @Schema(description = "adam: second-moment decay, in [0, 1). Default 0.999", example = "0.999")
        Double beta2,

        @Schema(description = "adam: a finite number > 0. Default 1e-8", example = "1e-8")
        Double epsilon) {

    /** The engine's optimizer; a spec stored before optimizers existed (null) is plain gradient descent. */
    public static Optimizer engine(OptimizerOption option) {
        if (option == null) {
            return Optimizer.gd();
        }
        return switch (option.type()) {
            case "momentum" -> new Optimizer.Momentum(option.beta());
            case "adam" -> new Optimizer.Adam(option.beta1(), option.beta2(), option.epsilon());
            default -> Optimizer.gd();
        };
    }

    /** The resolved form of an engine optimizer. */
    static OptimizerOption of(Optimizer optimizer) {
        if (optimizer instanceof Optimizer.Momentum m) {
            return new OptimizerOption("momentum", m.beta(), null, null, null);
        }
        if (optimizer instanceof Optimizer.Adam a) {
            return new OptimizerOption("adam", null, a.beta1(), a.beta2(), a.epsilon());
        }
        return new OptimizerOption("gd", null, null, null, null);
    }
}
