package io.trainyard;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The rooms of the house and the doors between them (docs/design.md draws the same map): the engine
 * is framework-free; the job as users see it knows nothing of how it is trained or how its history is
 * stored; training and history serve jobs; sweeps sit on top; nothing has a cycle.
 */
@AnalyzeClasses(packages = "io.trainyard", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTests {

    @ArchTest
    static final ArchRule engineKnowsNothingOfTheService = noClasses()
            .that()
            .resideInAPackage("io.trainyard.nn..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "org.springframework..",
                    "jakarta..",
                    "tools.jackson..",
                    "com.fasterxml.jackson..",
                    "io.trainyard.job..",
                    "io.trainyard.model..",
                    "io.trainyard.dataset..",
                    "io.trainyard.sweep..",
                    "io.trainyard.training..",
                    "io.trainyard.history..",
                    "io.trainyard.system..",
                    "io.trainyard.security..")
            .as("the nn package is framework-free: no Spring, Jakarta, Jackson or service packages");

    @ArchTest
    static final ArchRule roomsAndDoors = layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .layer("engine")
            .definedBy("io.trainyard.nn..")
            .layer("system")
            .definedBy("io.trainyard.system..")
            .layer("dataset")
            .definedBy("io.trainyard.dataset..")
            .layer("model")
            .definedBy("io.trainyard.model..")
            .layer("job")
            .definedBy("io.trainyard.job..")
            .layer("history")
            .definedBy("io.trainyard.history..")
            .layer("training")
            .definedBy("io.trainyard.training..")
            .layer("sweep")
            .definedBy("io.trainyard.sweep..")
            .layer("security")
            .definedBy("io.trainyard.security..")
            .whereLayer("sweep")
            .mayNotBeAccessedByAnyLayer()
            .whereLayer("training")
            .mayNotBeAccessedByAnyLayer()
            .whereLayer("history")
            .mayOnlyBeAccessedByLayers("training", "sweep")
            .whereLayer("job")
            .mayOnlyBeAccessedByLayers("history", "training", "sweep")
            .whereLayer("model")
            .mayOnlyBeAccessedByLayers("job", "training")
            .whereLayer("dataset")
            .mayOnlyBeAccessedByLayers("job", "training", "sweep")
            // Owned things ask who the caller is (Caller.current()); security itself knows no feature.
            .whereLayer("security")
            .mayOnlyBeAccessedByLayers("dataset", "model", "job", "history", "training", "sweep")
            .as("job knows nothing of training or history; training and history serve jobs; sweeps sit on top");

    @ArchTest
    static final ArchRule securityKnowsNoFeature = noClasses()
            .that()
            .resideInAPackage("io.trainyard.security..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "io.trainyard.job..",
                    "io.trainyard.model..",
                    "io.trainyard.dataset..",
                    "io.trainyard.sweep..",
                    "io.trainyard.training..",
                    "io.trainyard.history..")
            .as("security sits below the features: keys, owners, quotas and idempotency work on requests and tables");

    @ArchTest
    static final ArchRule featuresHaveNoCycles =
            slices().matching("io.trainyard.(*)..").should().beFreeOfCycles();
}
