package io.trainyard.nn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WarmupTests {

    @Test
    void theHomeworkProblemTakesTheFusedKernelAndTheWideOneBlas() {
        Warmup.Problem homework = Warmup.homework();
        Warmup.Problem wide = Warmup.wide();

        assertThat(homework.start().layerSizes()).containsExactly(5, 20, 1);
        assertThat(SmallNetworkKernel.fits(homework.start().layerSizes())).isEqualTo(SmallNetworkKernel.ENABLED);
        assertThat(wide.start().layerSizes()).containsExactly(64, 128, 1);
        assertThat(SmallNetworkKernel.fits(wide.start().layerSizes())).isFalse();
    }

    @Test
    void someHiddenUnitsSaturateAsInRealJobs() {
        for (Activation activation : new Activation[] {Activation.SIGMOID, Activation.TANH}) {
            Warmup.Problem problem = Warmup.homework(activation);
            TrainingResult result = new GradientDescent(1e-6, 1).train(problem.start(), problem.data());

            Double saturated = result.diagnostics().layers().get(0).saturatedShare();
            assertThat(saturated).as(activation.id()).isBetween(0.01, 0.25);
        }
    }

    @Test
    void bothTrainWithoutDiverging() {
        for (Warmup.Problem problem : new Warmup.Problem[] {Warmup.homework(), Warmup.wide()}) {
            TrainingResult result = new GradientDescent(1e-6, 20).train(problem.start(), problem.data());

            assertThat(result.outcome()).isEqualTo(TrainingResult.Outcome.COMPLETED);
            assertThat(result.updates()).isEqualTo(20);
        }
    }
}
