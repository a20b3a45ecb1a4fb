package io.trainyard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.zaxxer.hikari.HikariDataSource;

import io.trainyard.support.Http;

/**
 * The embedded database closed under a running instance, as H2 closes itself when a write fails (a
 * full disk: "No space left on device", then every pooled connection answers "The database has been
 * closed"): the instance answers 503 while it cannot write, and comes back on its own once the
 * database can be opened again, as it does after a PostgreSQL outage ({@link
 * DatabaseOutageIntegrationTests}). Before, every pooled connection stayed bound to the closed
 * database, so the instance answered 503 ("try again in a few seconds") until it was restarted, with
 * liveness UP.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"trainyard.workers=1", "spring.datasource.hikari.connection-timeout=1500"})
class H2DatabaseOutageIntegrationTests {

    private static final String SPEC = "{\"dataset\": \"hw5\", \"alpha\": 0.001, \"iterations\": 5}";

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) {
        registry.add(
                "trainyard.data-dir",
                () -> ApiContract.tempDataDir("trainyard-h2-outage").toString());
    }

    @Test
    void theInstanceComesBackOnItsOwnOnceItsClosedEmbeddedDatabaseCanBeOpenedAgain() throws SQLException {
        Http http = new Http(port);
        String before = http.post("/jobs", SPEC).expect(202).get("id").asString();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> http.get("/jobs/" + before).json().get("status").asString(), "SUCCEEDED"::equals);

        // What H2 does to itself when a write fails for want of disk space; its file stays as committed.
        String url = ((HikariDataSource) dataSource).getJdbcUrl();
        try (Connection outside = DriverManager.getConnection(url, "sa", "")) {
            outside.createStatement().execute("SHUTDOWN IMMEDIATELY");
        } catch (SQLException expected) {
            // the connection that closed the database is closed with it
        }

        // Answers are 503 while the pool still holds connections to the closed database, then 202: a
        // write goes through, so the database was opened again.
        String after = await().atMost(Duration.ofSeconds(20))
                .until(
                        () -> {
                            Http.Response answer = http.post("/jobs", SPEC);
                            assertThat(answer.status()).as(answer.text()).isIn(202, 503);
                            return answer.status() == 202
                                    ? answer.json().get("id").asString()
                                    : null;
                        },
                        Objects::nonNull);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> http.get("/jobs/" + after).json().get("status").asString(), "SUCCEEDED"::equals);
        assertThat(http.get("/jobs?limit=5").expect(200).get("items").size())
                .as("both jobs, the one committed before the database closed included")
                .isEqualTo(2);
        // Readiness follows the database check, which runs every second on its own thread.
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () -> assertThat(http.get("/actuator/health/readiness").status())
                                .isEqualTo(200));
    }
}
