package io.trainyard;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

import io.trainyard.system.ShutdownDeadline;
import io.trainyard.training.WarmupOnStart;

/** Trainyard: trains small fully-connected neural networks as queued jobs over HTTP. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class TrainyardApplication {

    public static void main(String[] args) {
        // Without --add-modules jdk.incubator.vector, or with an OPENBLAS_CORETYPE meant for another
        // OpenBLAS: run the service in a child JVM that has the module and the environment it needs.
        int relaunched = JvmRelaunch.relaunchIfNeeded(args);
        if (relaunched >= 0) {
            System.exit(relaunched);
        }
        SpringApplication application = new SpringApplication(TrainyardApplication.class);
        // The engine's warm-up starts now and uses the seconds the context takes to build.
        application.addListeners(new WarmupOnStart());
        // A stop ends within trainyard.shutdown-timeout of the signal, whatever is still writing then,
        // and a stop during start-up ends the start-up rather than waiting for it.
        application.addListeners(new ShutdownDeadline().watchJvmShutdown());
        try {
            application.run(args);
        } catch (RuntimeException e) {
            if (!ShutdownDeadline.stopBegun()) {
                throw e;
            }
            // Stopped while starting: reported in one line (StoppedDuringStartupReporter); the JVM is
            // already exiting with the signal's status.
        }
    }
}
