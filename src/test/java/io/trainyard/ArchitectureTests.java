package io.trainyard;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Keeps the engine framework-free and the feature packages free of cycles. */
@AnalyzeClasses(packages = "io.trainyard", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTests {

    @ArchTest
    static final ArchRule engineKnowsNothingOfTheService = noClasses().that().resideInAPackage("io.trainyard.nn..")
            .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "jakarta..", "tools.jackson..",
                    "com.fasterxml.jackson..", "io.trainyard.job..", "io.trainyard.model..", "io.trainyard.dataset..",
                    "io.trainyard.sweep..", "io.trainyard.dashboard..", "io.trainyard.system..")
            .as("the nn package is framework-free: no Spring, Jakarta, Jackson or service packages");

    @ArchTest
    static final ArchRule featuresHaveNoCycles = slices().matching("io.trainyard.(*)..").should().beFreeOfCycles();
}
