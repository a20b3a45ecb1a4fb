package io.trainyard;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Trainyard: trains small fully-connected neural networks as queued jobs over HTTP. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class TrainyardApplication {

    public static void main(String[] args) {
        SpringApplication.run(TrainyardApplication.class, args);
    }
}
