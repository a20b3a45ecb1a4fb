package io.trainyard.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.trainyard.support.Http;

/**
 * The dashboard in a real browser: Debian's headless Chromium, driven through the system chromedriver
 * (never a downloaded browser or driver). Opens {@code /}, submits a job through the form, watches its
 * loss curve grow, overlays two jobs, and saves {@code target/dashboard.png}. Skipped, saying why,
 * where Chromium is not installed; {@code .ci/run} installs it so CI always runs it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the first test's screenshot is not crowded by the second's jobs
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "trainyard.workers=1",
            "trainyard.history-flush-interval=200ms",
        })
class DashboardBrowserTests {

    private static final Path CHROMIUM = Path.of(System.getProperty("trainyard.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER =
            Path.of(System.getProperty("trainyard.chromedriver", "/usr/bin/chromedriver"));
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** A 401 in a console line (Chromium: "… responded with a status of 401 (Unauthorized)"), not 401 inside an id. */
    private static final Pattern UNAUTHORIZED = Pattern.compile("\\b401\\b");

    @LocalServerPort
    int port;

    @org.springframework.beans.factory.annotation.Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    /** One browser for the class (starting Chromium cost seconds a test); each test gets a tab of its own. */
    private static WebDriver driver;

    private static WebDriverWait wait;
    private static Path profile;
    private static Path downloads;

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) throws IOException {
        Path dataDir = Files.createTempDirectory("trainyard-dashboard");
        registry.add("trainyard.data-dir", dataDir::toString);
    }

    @BeforeAll
    static void startBrowser() throws IOException {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            return; // each test says why it is skipped
        }
        profile = Files.createTempDirectory("trainyard-chromium");
        downloads = Files.createTempDirectory("trainyard-downloads");
        ChromeOptions options = new ChromeOptions();
        options.setExperimentalOption(
                "prefs",
                Map.of("download.default_directory", downloads.toString(), "download.prompt_for_download", false));
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-dev-shm-usage",
                "--window-size=1440,1200",
                "--user-data-dir=" + profile);
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        // An explicit driver executable keeps Selenium Manager from resolving (downloading) one.
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
        wait = new WebDriverWait(driver, WAIT);
    }

    /**
     * A new tab for each test, the previous one closed: the key lives in a tab's sessionStorage, so
     * every test starts signed out, as in a browser of its own; the console log is emptied so that a
     * test sees only its own page's messages.
     */
    @BeforeEach
    void freshTab() {
        assumeTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                () -> "Skipping the dashboard browser test: Chromium is not installed (no executable " + CHROMIUM
                        + " and " + CHROMEDRIVER + "); install it with: apt-get install -y chromium chromium-driver");
        String previous = driver.getWindowHandle();
        driver.switchTo().newWindow(WindowType.TAB);
        String fresh = driver.getWindowHandle();
        driver.switchTo().window(previous).close();
        driver.switchTo().window(fresh);
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(1440, 1200));
        driver.manage().logs().get(LogType.BROWSER);
    }

    @AfterEach
    void cancelJobs() {
        // Whatever a failed test left running must not hold the one worker for the next test.
        Http http = new Http(port);
        for (String status : List.of("RUNNING", "QUEUED")) {
            http.get("/jobs?limit=500&status=" + status)
                    .json()
                    .get("items")
                    .forEach(job -> http.post("/jobs/" + job.get("id").asString() + "/cancel", ""));
        }
    }

    @AfterAll
    static void closeBrowser() throws IOException {
        if (driver != null) {
            driver.quit();
        }
        if (profile != null) {
            org.springframework.util.FileSystemUtils.deleteRecursively(profile);
        }
        if (downloads != null) {
            org.springframework.util.FileSystemUtils.deleteRecursively(downloads);
        }
    }

    @Test
    @Order(1)
    void submitsAJobThroughTheFormAndWatchesItsCurveGrow() throws IOException {
        // Two short jobs from the API first: the list then shows finished jobs beside the watched one.
        Http http = new Http(port);
        http.post("/jobs", """
                {"name": "linear model", "dataset": "hw5", "layers": [], "bias": true, "normalize": true,
                 "alpha": 0.001, "iterations": 2000, "seed": 7, "validationFraction": 0.25}""").expect(202);
        http.post("/jobs", """
                {"name": "tanh 10", "dataset": "hw5", "layers": [10], "activation": "tanh", "bias": true,
                 "normalize": true, "alpha": 0.0003, "iterations": 2000, "seed": 7, "validationFraction": 0.25}""").expect(202);
        driver.get("http://localhost:" + port + "/");
        // Signed out, the page says how to sign in; the key goes in the box and stays for this tab.
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("signin-status"), "not signed in"));
        // The job list says why it is empty (once), not "No jobs yet": there are two.
        WebElement jobsError = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("jobs-error")));
        assertThat(jobsError.getText()).contains("Sign in with an API key");
        assertThat(jobsError.getText().split("admin.key", -1))
                .as(jobsError.getText())
                .hasSize(2);
        assertThat(driver.findElement(By.id("jobs-empty")).isDisplayed()).isFalse();
        // Someone who never gave a key is not told that it was revoked.
        assertThat(driver.findElement(By.id("signin-status")).getText())
                .startsWith("not signed in: paste an API key")
                .doesNotContain("revoked");
        driver.findElement(By.id("signin-key")).sendKeys(io.trainyard.support.Http.ADMIN_KEY);
        driver.findElement(By.id("signin-button")).click();
        wait.until(ExpectedConditions.textToBe(By.id("signin-status"), "signed in as admin (admin)"));
        // Signing in reads what the page could not read signed out: the data sets, without the old banner.
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#f-dataset option[value='hw5']")));
        wait.until(d -> "true".equals(d.findElement(By.id("form-problem")).getDomProperty("hidden")));
        driver.navigate().refresh();
        wait.until(ExpectedConditions.textToBe(By.id("signin-status"), "signed in as admin (admin)"));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#f-dataset option[value='hw5']")));

        // A spec the server rejects: its problem+json detail shows next to the form, the field is marked.
        driver.findElement(By.id("tab-new")).click();
        field("f-alpha", "");
        driver.findElement(By.id("job-submit")).click();
        WebElement alphaError = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("e-alpha")));
        assertThat(alphaError.getText()).isNotBlank();
        assertThat(driver.findElement(By.id("f-alpha")).getDomAttribute("aria-invalid"))
                .isEqualTo("true");
        assertThat(driver.findElement(By.id("form-problem")).isDisplayed()).isTrue();

        // A long job, so the page sees it grow; it is cancelled at the end.
        field("f-name", "sigmoid 20 (from the form)");
        field("f-layers", "20");
        field("f-alpha", "0.0002");
        field("f-iterations", "500000");
        field("f-seed", "7");
        field("f-validationFraction", "0.25");
        driver.findElement(By.id("job-submit")).click();

        // The page switches to the new job and follows it (queued behind the two short jobs, then running).
        wait.until(ExpectedConditions.textToBe(By.id("job-name"), "sigmoid 20 (from the form)"));
        assertThat(activeElementId())
                .as("the focus follows the new job, not the hidden form")
                .isEqualTo("job-name");
        assertThat(driver.findElements(By.id("e-alpha")))
                .as("the old field error is gone")
                .isEmpty();
        wait.until(ExpectedConditions.textToBe(By.id("job-status"), "RUNNING"));
        WebElement lossChart = driver.findElement(By.id("loss-chart"));
        wait.until(d -> intAttribute(lossChart, "data-points") >= 2);
        int firstIteration = intAttribute(lossChart, "data-last-iteration");
        int firstPoints = intAttribute(lossChart, "data-points");
        wait.until(d -> intAttribute(lossChart, "data-last-iteration") > firstIteration + 2000);
        // The curve grew: new points arrived, or (past the chart's budget of 6,000) it was fetched again,
        // downsampled to at most 1,500 points; the downsampling keeps extremes and may return fewer (1,378
        // seen on a fast machine, whose first fetch was such a downsample too, so no more than before).
        assertThat(intAttribute(lossChart, "data-points")).isGreaterThanOrEqualTo(Math.min(firstPoints + 1, 1000));
        assertThat(lossChart.findElements(By.cssSelector("canvas"))).isNotEmpty();
        assertThat(lossChart.findElements(By.cssSelector(".u-legend .u-series")))
                .extracting(WebElement::getText)
                .anySatisfy(text -> assertThat(text).contains("train"))
                .anySatisfy(text -> assertThat(text).contains("validation"))
                .anySatisfy(text -> assertThat(text).contains("test"));
        WebElement gradientChart = driver.findElement(By.id("gradient-chart"));
        wait.until(d -> intAttribute(gradientChart, "data-points") >= 2);

        // The list shows the job running, with its progress bar moving, beside the finished ones.
        WebElement row = driver.findElement(By.cssSelector("#job-table tbody tr.selected"));
        assertThat(row.getText()).contains("sigmoid 20 (from the form)").contains("RUNNING");
        wait.until(d ->
                Double.parseDouble(row.findElement(By.cssSelector("progress")).getDomProperty("value")) > 0);
        wait.until(d -> d.findElements(By.cssSelector("#job-table tbody .badge.succeeded"))
                        .size()
                == 2);
        screenshot(Path.of("target", "dashboard.png"));

        driver.findElement(By.id("job-cancel")).click();
        wait.until(ExpectedConditions.textToBe(By.id("job-status"), "CANCELLED"));
        wait.until(d -> "job-name".equals(activeElementId())); // not the page body: the button is gone

        // Tick all three to overlay their curves.
        for (WebElement box : driver.findElements(By.cssSelector("#job-table tbody input[type=checkbox]"))) {
            box.click();
        }
        WebElement compareChart = driver.findElement(By.id("compare-chart"));
        wait.until(ExpectedConditions.visibilityOf(compareChart));
        wait.until(d ->
                compareChart.findElements(By.cssSelector(".u-legend .u-series")).size() == 1 + 3);
        assertThat(intAttribute(compareChart, "data-points")).isGreaterThan(2);
        screenshot(Path.of("target", "dashboard-compare.png"));

        assertThat(scriptErrors()).isEmpty();
    }

    @Test
    @Order(2)
    void pagesThroughHundredsOfJobsWithCursorsAndFiltersByName() {
        Http http = new Http(port);
        for (int i = 0; i < 120; i++) {
            http.post("/jobs", """
                    {"name": "paging %03d", "dataset": "hw5", "alpha": 0.001, "iterations": 0, "seed": 1}""".formatted(i)).expect(202);
        }
        http.post("/jobs", """
                {"name": "not in the filter", "dataset": "hw5", "alpha": 0.001, "iterations": 0}""").expect(202);
        driver.get("http://localhost:" + port + "/");
        signInIfAsked();
        wait.until(d -> rowNames().contains("not in the filter"));
        field("filter-name", "paging");
        wait.until(d -> rowNames().size() == 50 && rowNames().stream().allMatch(name -> name.startsWith("paging")));
        assertThat(rowNames().get(0)).as("newest first").isEqualTo("paging 119");

        WebElement more = driver.findElement(By.id("jobs-more"));
        more.click();
        wait.until(d -> rowNames().size() == 100);
        more.click();
        wait.until(d -> rowNames().size() == 120);
        wait.until(ExpectedConditions.invisibilityOf(more));
        assertThat(rowNames().get(119)).isEqualTo("paging 000");

        // The live refresh keeps the older pages it has loaded.
        wait.until(d -> d.findElements(By.cssSelector("#job-table tbody .badge.succeeded"))
                        .size()
                == 120);
        assertThat(rowNames()).hasSize(120).doesNotHaveDuplicates();

        // A filter that matches nothing says so; "No jobs yet" would be wrong with 121 jobs.
        field("filter-name", "no job is called this");
        wait.until(ExpectedConditions.textToBe(By.id("jobs-empty"), "No jobs match these filters."));
        assertThat(driver.findElement(By.id("jobs-empty")).isDisplayed()).isTrue();
        assertThat(scriptErrors()).isEmpty();
    }

    @Test
    @Order(3)
    void showsHtmlInNamesAsTextAndDownloadsTheModelWithTheKey() throws IOException {
        // A name full of markup: every view must show it as text; none of it may run.
        String name = "<img src=x onerror=\"window.__pwned=1\"><script>window.__pwned=2</script><b>bold</b>";
        Http http = new Http(port);
        String id = http.post(
                        "/jobs",
                        Map.of(
                                "name",
                                name,
                                "dataset",
                                "hw5",
                                "layers",
                                List.of(3),
                                "alpha",
                                0.0005,
                                "iterations",
                                50,
                                "seed",
                                7))
                .expect(202)
                .get("id")
                .asString();
        org.awaitility.Awaitility.await()
                .atMost(WAIT)
                .until(() -> http.get("/jobs/" + id).json().get("status").asString(), "SUCCEEDED"::equals);
        String modelId = http.get("/jobs/" + id).json().get("modelId").asString();

        String page = "http://localhost:" + port + "/#job=" + id;
        driver.get(page);
        signInIfAsked();
        driver.navigate().refresh(); // the job opens signed in
        wait.until(ExpectedConditions.textToBe(By.id("job-name"), name));
        wait.until(d -> rowNames().contains(name));
        assertThat(driver.findElements(By.cssSelector("#job-table img, #job-name img, #job-table b")))
                .isEmpty();
        assertThat(((ChromeDriver) driver).executeScript("return window.__pwned === undefined"))
                .isEqualTo(true);
        // A #job= link changed in the address bar of the open page opens that job (it needed a reload).
        String other = http.post(
                        "/jobs",
                        Map.of(
                                "name",
                                "linked from the address bar",
                                "dataset",
                                "hw5",
                                "alpha",
                                0.0005,
                                "iterations",
                                5,
                                "seed",
                                7))
                .expect(202)
                .get("id")
                .asString();
        ((ChromeDriver) driver).executeScript("location.hash = '#job=" + other + "'");
        wait.until(ExpectedConditions.textToBe(By.id("job-name"), "linked from the address bar"));
        ((ChromeDriver) driver).executeScript("location.hash = '#job=" + id + "'");
        wait.until(ExpectedConditions.textToBe(By.id("job-name"), name));

        // The model's links go through the key: before, a click navigated without it and showed a 401.
        WebElement json = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("model-json")));
        json.click();
        Path saved = downloads.resolve("model-" + modelId + ".json");
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> Files.isRegularFile(saved) && Files.size(saved) > 0);
        assertThat(Http.JSON.readTree(Files.readString(saved)).get("id").asString())
                .isEqualTo(modelId);
        driver.findElement(By.id("model-onnx")).click();
        Path onnx = downloads.resolve("model-" + modelId + ".onnx");
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> Files.isRegularFile(onnx) && Files.size(onnx) > 0);
        assertThat(driver.getCurrentUrl()).as("still on the dashboard").isEqualTo(page);

        // Losses print with four significant digits: a loss of 1099.6 is 1100 and one of 1230 is 1230, never "11" or
        // "123".
        Object shown = ((ChromeDriver) driver)
                .executeAsyncScript("const done = arguments[arguments.length - 1];"
                        + "import('/dashboard/api.js').then(m => done([1099.56, 1230, 240, 100, 0.5, 2.25, 1183.2]"
                        + ".map(m.fmtLoss)))");
        assertThat(shown).isEqualTo(List.of("1100", "1230", "240", "100", "0.5", "2.25", "1183"));

        // Iteration ticks past 100,000 keep distinct labels (they all read "1e5" before).
        Object ticks = ((ChromeDriver) driver)
                .executeAsyncScript("const done = arguments[arguments.length - 1];"
                        + "import('/dashboard/charts.js').then(m => done(m.tickLabels("
                        + "[90000, 100000, 120000, 140000, 150000, 200000], true)))");
        assertThat(ticks).isEqualTo(List.of("90k", "100k", "120k", "140k", "150k", "200k"));

        // A diverged curve (up to 1e304) beside a healthy one and a vanishing one (down to 1e-49): the log
        // axis still has labels, and uPlot does not throw placing ticks (scriptErrors below).
        Object labels = ((ChromeDriver) driver)
                .executeAsyncScript("const done = arguments[arguments.length - 1];"
                        + "import('/dashboard/charts.js').then(m => {"
                        + "  const box = document.createElement('div'); box.style.width = '600px';"
                        + "  document.body.append(box);"
                        + "  const chart = new m.LineChart(box, {height: 280, log: true});"
                        + "  const x = [...Array(50).keys()];"
                        + "  chart.update(x, [{label: 'diverged', color: '#000', values: x.map(i => 10 ** (i * 6.2))},"
                        + "    {label: 'healthy', color: '#00f', values: x.map(i => 100 / (i + 1))},"
                        + "    {label: 'vanishing', color: '#0a0', values: x.map(i => 10 ** -i)}]);"
                        + "  setTimeout(() => { const v = chart.plot.axes[1]._values || [];"
                        + "    chart.destroyPlot(); box.remove(); done(v.filter(t => t)); }, 300); })");
        assertThat((List<?>) labels).as("y labels of a diverged chart").hasSizeGreaterThanOrEqualTo(3);

        // A seed past 2^53 cannot travel as a JavaScript number (…993 would go as …992): the form says so
        // instead of submitting a job with another seed.
        int jobs = http.get("/jobs?limit=500").json().get("items").size();
        driver.findElement(By.id("tab-new")).click();
        field("f-seed", "9007199254740993");
        driver.findElement(By.id("job-submit")).click();
        WebElement seedError = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("e-seed")));
        assertThat(seedError.getText()).contains("at most");
        assertThat(http.get("/jobs?limit=500").json().get("items").size()).isEqualTo(jobs);
        assertThat(scriptErrors()).isEmpty();
    }

    @Test
    @Order(4)
    void swaggerUiAuthorizesWithTheBearerKeyAndSubmitsTheExampleJob() {
        // Swagger UI's bundle needs inline styles (without them: console errors, parts unstyled); the
        // dashboard does not, and no page may run inline scripts.
        Http anonymous = new Http(port).as(null);
        assertThat(anonymous.get("/swagger-ui/index.html").header("Content-Security-Policy"))
                .contains("style-src 'self' 'unsafe-inline';", "script-src 'self';");
        assertThat(anonymous.get("/").header("Content-Security-Policy"))
                .contains("style-src 'self';", "script-src 'self';")
                .doesNotContain("unsafe-inline");
        driver.get("http://localhost:" + port + "/swagger-ui.html");
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("button.authorize")))
                .click();
        WebElement keyInput =
                wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".auth-container input")));
        keyInput.sendKeys(Http.ADMIN_KEY);
        driver.findElement(By.cssSelector(".auth-container button.authorize")).click();
        driver.findElement(By.cssSelector(".auth-btn-wrapper button.btn-done")).click();

        WebElement submit = driver.findElement(By.id("operations-Jobs-submitJob"));
        submit.findElement(By.cssSelector(".opblock-summary-control")).click();
        // Located inside the wait: the block renders its buttons a moment after it opens (looked up at
        // once, the button was sometimes not there yet).
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#operations-Jobs-submitJob .try-out__btn")))
                .click();
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#operations-Jobs-submitJob .execute")))
                .click();
        WebElement status = wait.until(
                d -> submit.findElement(By.cssSelector(".live-responses-table tr.response .response-col_status")));
        assertThat(status.getText()).as("Try it out with the example body").isEqualTo("202");
        assertThat(scriptErrors()).isEmpty();
    }

    @Test
    @Order(5)
    void signingOutStopsEveryRequestAndNarrowWindowsStackThePanels() throws IOException, InterruptedException {
        Http http = new Http(port);
        String id = http.post("/jobs", """
                        {"name": "watched then signed out", "dataset": "hw5", "layers": [20], "alpha": 0.0002,
                         "iterations": 500000, "seed": 7}""").expect(202).get("id").asString();
        driver.get("http://localhost:" + port + "/#job=" + id);
        signInIfAsked();
        driver.navigate().refresh();
        wait.until(ExpectedConditions.textToBe(By.id("job-status"), "RUNNING"));
        wait.until(d -> rowNames().contains("watched then signed out"));

        // A phone-sized window: the panels stack, the job list covers none of them, the page fits the width.
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
        wait.until(d -> ((Number) ((ChromeDriver) d).executeScript("return window.innerWidth")).intValue() < 500);
        for (String visible : List.of("job-name", "tab-new", "job-status")) {
            Object hit = ((ChromeDriver) driver)
                    .executeScript(
                            "const e = document.getElementById(arguments[0]); e.scrollIntoView({block: 'center'});"
                                    + "const r = e.getBoundingClientRect();"
                                    + "const at = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);"
                                    + "return at === e || e.contains(at);",
                            visible);
            assertThat(hit).as("%s is not covered", visible).isEqualTo(true);
        }
        Object widths = ((ChromeDriver) driver)
                .executeScript("return [document.documentElement.scrollWidth, window.innerWidth]");
        assertThat((List<?>) widths)
                .as("page width, window width")
                .satisfies(w ->
                        assertThat(((Number) w.get(0)).intValue()).isLessThanOrEqualTo(((Number) w.get(1)).intValue()));
        // The job list's columns fit its box (the loss moves under the name), so no inner scroll hides them.
        ChromeDriver chrome = (ChromeDriver) driver;
        Object list = chrome.executeScript(
                "const w = document.querySelector('.jobs .table-wrap'); return [w.scrollWidth, w.clientWidth]");
        assertThat((List<?>) list)
                .as("job list width, its box's width")
                .satisfies(w ->
                        assertThat(((Number) w.get(0)).intValue()).isLessThanOrEqualTo(((Number) w.get(1)).intValue()));
        WebElement row = driver.findElement(By.cssSelector("#job-table tbody tr[data-job-id='" + id + "']"));
        assertThat(row.findElement(By.cssSelector(".narrow-only")).getText()).startsWith("train loss ");
        // A tap on a job in the list brings the job view (below the list) into sight.
        chrome.executeScript("window.scrollTo(0, 0)");
        row.findElement(By.cssSelector(".job-open")).click();
        wait.until(d ->
                (Boolean) chrome.executeScript("const r = document.getElementById('job-name').getBoundingClientRect();"
                        + "return r.top > -1 && r.bottom <= window.innerHeight")); // -1: sub-pixel layout
        assertThat(activeElementId()).isEqualTo("job-name");
        // The gradient-health table fits the phone's width (it was cut off at "satu…").
        WebElement diagnostics = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("job-diagnostics")));
        Object table = chrome.executeScript(
                "const t = arguments[0].querySelector('table'); return [t.scrollWidth, arguments[0].clientWidth]",
                diagnostics);
        assertThat((List<?>) table)
                .as("gradient table width, its box's width")
                .satisfies(w ->
                        assertThat(((Number) w.get(0)).intValue()).isLessThanOrEqualTo(((Number) w.get(1)).intValue()));
        screenshot(Path.of("target", "dashboard-narrow.png"));
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(1440, 1200));
        // Clicks land where the page was laid out: wait until it is wide again.
        wait.until(d -> ((Number) ((ChromeDriver) d).executeScript("return window.innerWidth")).intValue() > 1000);

        // Signing out stops everything that sends the key: the stream, the history reads, the list's poll.
        driver.findElement(By.id("signout-button")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("signin-status"), "not signed in"));
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("job-detail")));
        ((ChromeDriver) driver)
                .executeScript(
                        "window.__requests = []; const original = window.fetch;"
                                + "window.fetch = (...args) => { window.__requests.push(String(args[0])); return original(...args); };");
        String progress = driver.findElement(By.id("job-progress-text")).getDomProperty("textContent");
        Thread.sleep(4500); // two ticks of the list's clock, dozens of progress events
        assertThat(((ChromeDriver) driver).executeScript("return window.__requests"))
                .as(
                        "requests after signing out (status %s)",
                        driver.findElement(By.id("signin-status")).getText())
                .isEqualTo(List.of());
        assertThat(driver.findElement(By.id("job-progress-text")).getDomProperty("textContent"))
                .isEqualTo(progress);
        assertThat(driver.findElement(By.id("job-detail")).isDisplayed()).isFalse();
        assertThat(rowNames()).isEmpty();
        assertThat(driver.findElement(By.id("signin-status")).getText()).doesNotContain("revoked");

        // Signed in again, the list polls again.
        signInIfAsked();
        wait.until(d -> rowNames().contains("watched then signed out"));
        assertThat(scriptErrors()).isEmpty();
    }

    private String activeElementId() {
        return (String) ((ChromeDriver) driver).executeScript("return document.activeElement.id");
    }

    /** Signs in with the admin key unless this tab already is (the key lives in the tab's sessionStorage). */
    private void signInIfAsked() {
        wait.until(d -> d.findElement(By.id("signin-status")).getText().contains("signed in"));
        if (driver.findElement(By.id("signin-status")).getText().contains("not signed in")) {
            driver.findElement(By.id("signin-key")).sendKeys(io.trainyard.support.Http.ADMIN_KEY);
            driver.findElement(By.id("signin-button")).click();
        }
        wait.until(ExpectedConditions.textToBe(By.id("signin-status"), "signed in as admin (admin)"));
    }

    @Test
    @Order(6)
    void aJobLinkOpenedSignedOutAsksForAKeyAndOpensTheJobOnceSignedIn() {
        // The key is kept per tab, so a shared #job= link always opens signed out first.
        Http http = new Http(port);
        String id = http.post("/jobs", """
                        {"name": "linked job", "dataset": "hw5", "layers": [3], "normalize": true,
                         "alpha": 0.001, "iterations": 50, "seed": 3}""").expect(202).get("id").asString();
        driver.get("http://localhost:" + port + "/#job=" + id);
        wait.until(ExpectedConditions.textToBe(By.id("job-name"), "Sign in to see this job"));
        assertThat(driver.findElement(By.id("job-id")).getText()).startsWith(id);
        // Not signed in is advice, not an error: the list's message is grey, not red.
        WebElement jobsError = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("jobs-error")));
        assertThat(jobsError.getDomAttribute("class")).contains("muted");

        driver.findElement(By.id("signin-key")).sendKeys(io.trainyard.support.Http.ADMIN_KEY);
        driver.findElement(By.id("signin-button")).click();
        wait.until(ExpectedConditions.textToBe(By.id("job-name"), "linked job"));
        wait.until(ExpectedConditions.textToBe(By.id("job-status"), "SUCCEEDED"));
        assertThat(scriptErrors()).isEmpty();
    }

    @Test
    @Order(7)
    void aSweepsChartLeavesItsDivergedMembersOffAndSaysWhichLossItShows() {
        Http http = new Http(port);
        Http.Response created = http.post("/sweeps", """
                {"name": "alphas", "base": {"dataset": "hw5", "layers": [3], "normalize": true, "bias": true,
                  "iterations": 300, "seed": 3, "validationFraction": 0.25},
                 "grid": {"alpha": [0.0005, 0.001, 50]}, "selectBy": "validation"}""");
        created.expect(202);
        String location = created.header("Location");
        String id = location.substring(location.lastIndexOf('/') + 1);
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(() -> http.get(location).json().get("finished").asBoolean());
        driver.get("http://localhost:" + port + "/#sweep=" + id);
        signInIfAsked();
        // alpha 50 diverges: listed on the leaderboard, not drawn (its 1e300 would flatten the others).
        wait.until(ExpectedConditions.textToBe(
                By.id("sweep-chart-title"), "Validation loss of the best jobs (1 failed, not drawn)"));
        wait.until(d -> d.findElements(By.cssSelector("#leaderboard tbody tr")).size() == 3);
        WebElement chart = driver.findElement(By.id("sweep-chart"));
        wait.until(
                d -> chart.findElements(By.cssSelector(".u-legend .u-series")).size() == 1 + 2);
        assertThat(scriptErrors()).isEmpty();
    }

    @Test
    @Order(8)
    void aJobThatEarlyStoppingEndedShowsAsCompleteAndSaysWhereItStopped() {
        // Its progress.fraction stays at the iteration it stopped at (here far below 1): a bar drawn from
        // it showed a finished job as barely started.
        Http http = new Http(port);
        String id = http.post("/jobs", """
                        {"name": "stopped early", "dataset": "hw5", "layers": [50], "activation": "tanh",
                         "scale": 0.5, "alpha": 0.01, "iterations": 1500, "seed": 7, "validationFraction": 0.25,
                         "optimizer": {"type": "adam"}, "batchSize": 16, "earlyStopping": {"patience": 15}}""").expect(202).get("id").asString();
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(() ->
                        http.get("/jobs/" + id).json().get("status").asString().equals("SUCCEEDED"));
        var job = http.get("/jobs/" + id).json();
        assertThat(job.get("stoppedEarly").asBoolean()).as("%s", job).isTrue();
        int stoppedAt = job.at("/progress/iteration").asInt();
        assertThat(job.at("/progress/fraction").asDouble()).isLessThan(0.5);

        driver.get("http://localhost:" + port + "/#job=" + id);
        signInIfAsked();
        wait.until(ExpectedConditions.textToBe(By.id("job-name"), "stopped early"));
        wait.until(ExpectedConditions.textToBe(By.id("job-status"), "SUCCEEDED"));
        assertThat(driver.findElement(By.id("job-progress")).getDomProperty("value"))
                .isEqualTo("1");
        assertThat(driver.findElement(By.id("job-progress-text")).getText())
                .isEqualTo(String.format(
                        java.util.Locale.ENGLISH, "iteration %,d of 1,500 · stopped early, complete", stoppedAt));
        WebElement row = wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#job-table tbody tr[data-job-id='" + id + "']")));
        wait.until(d -> "1".equals(row.findElement(By.cssSelector("progress")).getDomProperty("value")));
        assertThat(row.findElement(By.cssSelector(".progress-cell .sub")).getText())
                .isEqualTo(String.format(java.util.Locale.ENGLISH, "stopped early at %,d", stoppedAt));
        assertThat(scriptErrors()).isEmpty();
    }

    @Test
    @Order(9)
    void aKeyRevokedWhileAJobIsWatchedIsDroppedAndNothingIsSentWithItAgain() throws InterruptedException {
        Http admin = new Http(port);
        var created = admin.post("/keys", Map.of("name", "revoked-" + System.nanoTime(), "role", "user"))
                .expect(201);
        String key = created.get("key").asString();
        String id = admin.as(key).post("/jobs", """
                        {"name": "watched by a revoked key", "dataset": "hw5", "layers": [20], "alpha": 0.0002,
                         "iterations": 500000, "seed": 7}""").expect(202).get("id").asString();
        driver.get("http://localhost:" + port + "/#job=" + id);
        signIn(key, "signed in as " + created.get("name").asString() + " (user)");
        wait.until(ExpectedConditions.textToBe(By.id("job-status"), "RUNNING"));
        wait.until(d -> rowNames().contains("watched by a revoked key"));

        assertThat(admin.delete("/keys/" + created.get("id").asString()).status())
                .isEqualTo(204);
        // The next request refused (the list's tick, the stream, the polling) drops the key and signs out.
        wait.until(d -> ((ChromeDriver) d).executeScript("return sessionStorage.getItem('trainyard.key')") == null);
        assertThat(driver.findElement(By.id("signin-status")).getText())
                .isEqualTo("the key was refused (revoked or unknown): sign in again");
        // Nothing read with the refused key stays on screen as if live: not the RUNNING job, not the list.
        assertThat(driver.findElement(By.id("job-detail")).isDisplayed()).isFalse();
        assertThat(rowNames()).isEmpty();
        assertThat(driver.findElement(By.id("jobs-error")).getText()).contains("Sign in");
        assertThat(driver.getCurrentUrl()).doesNotContain("#job=");

        recordRequests();
        Thread.sleep(3000); // an absence is watched for a while: a list tick (2 s) and three polling ticks (1 s)
        assertThat(requests()).as("requests after the key was refused").isEmpty();
        assertThat(scriptErrors()).isEmpty();
    }

    @Test
    @Order(10)
    void loadingOlderJobsKeepsThoseCreatedInTheFirstPagesLastMillisecond() {
        // 55 jobs whose creation times share milliseconds (a sweep's members are created 0.3 ms apart),
        // and three of them one instant: the first page (50) ends inside a millisecond that the next page
        // goes on in, at a tie the API breaks by id.
        Http http = new Http(port);
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 55; i++) {
            ids.add(http.post("/jobs", """
                    {"name": "tied %02d", "dataset": "hw5", "alpha": 0.001, "iterations": 0, "seed": 1}""".formatted(i)).expect(202).get("id").asString());
        }
        java.time.Instant base = java.time.Instant.parse("2001-02-03T04:05:06Z");
        for (int i = 0; i < ids.size(); i++) {
            // i = 0..9 in one millisecond, 50 µs apart; 4, 5 and 6 (around the page's end) at one instant
            int micros = (i / 10) * 1000 + (i >= 4 && i <= 6 ? 4 : i % 10) * 50;
            jdbc.sql("UPDATE jobs SET created_at = :at WHERE id = :id")
                    .param(
                            "at",
                            java.time.OffsetDateTime.ofInstant(
                                    base.plus(micros, java.time.temporal.ChronoUnit.MICROS), java.time.ZoneOffset.UTC))
                    .param("id", ids.get(i))
                    .update();
        }
        List<String> paged = new java.util.ArrayList<>();
        String cursor = "";
        do {
            var page = http.get("/jobs?name=tied&limit=50" + (cursor.isEmpty() ? "" : "&cursor=" + cursor))
                    .json();
            page.get("items").forEach(job -> paged.add(job.get("name").asString()));
            cursor = page.get("nextCursor").isNull()
                    ? null
                    : page.get("nextCursor").asString();
        } while (cursor != null);
        assertThat(paged).as("the API pages every job once").hasSize(55).doesNotHaveDuplicates();

        driver.get("http://localhost:" + port + "/");
        signInIfAsked();
        field("filter-name", "tied");
        wait.until(d -> rowNames().size() == 50 && rowNames().stream().allMatch(name -> name.startsWith("tied")));
        recordRequests();
        driver.findElement(By.id("jobs-more")).click();
        wait.until(d -> rowNames().size() == 55);
        // Two more ticks of the list: the first ran wholly after the older page arrived.
        wait.until(d -> requests().stream()
                        .filter(r -> r.equals("/jobs?name=tied&limit=50"))
                        .count()
                >= 2);
        wait.until(ExpectedConditions.textToBe(By.id("jobs-count"), "55 shown"));
        assertThat(rowNames()).as("in the API's order").isEqualTo(paged);
        assertThat(scriptErrors()).isEmpty();
    }

    @Test
    @Order(11)
    void backAndForwardGoThroughTheJobsAndSweepsOpenedAndABrokenLinkSaysSo() {
        Http http = new Http(port);
        String first = http.post("/jobs", """
                        {"name": "history first", "dataset": "hw5", "alpha": 0.001, "iterations": 5, "seed": 1}""").expect(202).get("id").asString();
        String second = http.post("/jobs", """
                        {"name": "history second", "dataset": "hw5", "alpha": 0.001, "iterations": 5, "seed": 1}""").expect(202).get("id").asString();
        http.post("/sweeps", """
                {"name": "history sweep", "base": {"dataset": "hw5", "layers": [3], "alpha": 0.001, "iterations": 5,
                  "validationFraction": 0.25}, "grid": {"seed": [1, 2]}}""").expect(202);
        driver.get("http://localhost:" + port + "/");
        signInIfAsked();
        for (String id : List.of(first, second)) {
            wait.until(ExpectedConditions.elementToBeClickable(
                            By.cssSelector("#job-table tbody tr[data-job-id='" + id + "'] .job-open")))
                    .click();
            wait.until(ExpectedConditions.textToBe(By.id("job-id"), id));
        }
        driver.findElement(By.id("tab-sweeps")).click();
        wait.until(ExpectedConditions.elementToBeClickable(
                        By.xpath("//*[@id='sweep-table']//button[.='history sweep']")))
                .click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("sweep-name"), "history sweep"));
        assertThat(driver.getCurrentUrl()).contains("#sweep=");

        driver.navigate().back();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("panel-job")));
        assertThat(driver.findElement(By.id("job-id")).getText()).isEqualTo(second);
        driver.navigate().back();
        wait.until(ExpectedConditions.textToBe(By.id("job-id"), first));
        driver.navigate().back();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("job-none")));
        assertThat(driver.getCurrentUrl()).isEqualTo("http://localhost:" + port + "/");
        driver.navigate().forward();
        wait.until(ExpectedConditions.textToBe(By.id("job-id"), first));

        // A link whose %-escape is broken cannot name a job: said so, nothing of the job before stays.
        ((ChromeDriver) driver).executeScript("location.hash = '#job=does-not-exist'");
        wait.until(ExpectedConditions.textToBe(By.id("job-name"), "Job not found"));
        ((ChromeDriver) driver).executeScript("location.hash = '#job=%E0%A4%A'");
        wait.until(ExpectedConditions.textToBe(By.id("job-name"), "Bad link"));
        assertThat(driver.findElement(By.id("job-id")).getText()).contains("#job=%E0%A4%A", "broken %-escape");
        assertThat(scriptErrors()).isEmpty();
    }

    @Test
    @Order(12)
    void gradientsBelowOneInATrillionAndZerosAreDrawn() {
        driver.get("http://localhost:" + port + "/");
        // W0 vanishes to 1e-300 (uPlot's own log scale breaks below about 1e-15; these were gaps below 1e-12),
        // W1 is exactly zero from the second point: both are drawn, the zeros on a line labelled 0.
        Object drawn = ((ChromeDriver) driver)
                .executeAsyncScript("const done = arguments[arguments.length - 1];"
                        + "import('/dashboard/charts.js').then(async (m) => {"
                        + "  const box = document.createElement('div'); box.style.width = '600px';"
                        + "  document.body.append(box);"
                        + "  const chart = new m.LineChart(box, {height: 220, log: true});"
                        + "  chart.update([0, 1, 2, 3], [{label: 'W0', color: '#000', values: [1e-10, 1.9e-13, 1e-20, 1e-300]},"
                        + "    {label: 'W1', color: '#00f', values: [0.5, 0, 0, 0]}]);"
                        + "  await new Promise((resolve) => setTimeout(resolve));"
                        + "  const columns = chart.plot.data.slice(1);"
                        + "  done({points: columns.map((c) => c.filter((v) => v !== null).length),"
                        + "    last: columns.map((c) => chart.valueOf(c[3])),"
                        + "    min: [chart.plot.scales.y.min],"
                        + "    labels: (chart.plot.axes[1]._values || []).filter((t) => t)}); })");
        @SuppressWarnings("unchecked")
        Map<String, List<Object>> chart = (Map<String, List<Object>>) drawn;
        assertThat(chart.get("points")).as("points drawn per series").containsExactly(4L, 4L);
        assertThat(((Number) chart.get("last").get(0)).doubleValue())
                .isCloseTo(1e-300, org.assertj.core.data.Percentage.withPercentage(1e-6));
        assertThat(((Number) chart.get("last").get(1)).doubleValue()).isZero();
        assertThat(((Number) chart.get("min").get(0)).doubleValue())
                .as("the axis, in decades, reaches 1e-300")
                .isLessThanOrEqualTo(-300);
        assertThat(chart.get("labels")).contains("0").hasSizeGreaterThanOrEqualTo(3);
        assertThat(scriptErrors()).isEmpty();
    }

    @Test
    @Order(13)
    void signedOutNothingIsRequestedAndASweepThatIsNotThereIsNotAskedForAgain() {
        Http admin = new Http(port);
        Http.Response sweep = admin.post("/sweeps", """
                {"name": "not bob's", "base": {"dataset": "hw5", "layers": [3], "alpha": 0.001, "iterations": 5,
                  "validationFraction": 0.25}, "grid": {"seed": [1]}}""");
        sweep.expect(202);
        String location = sweep.header("Location");
        String sweepId = location.substring(location.lastIndexOf('/') + 1);
        var bob = admin.post("/keys", Map.of("name", "bob-" + System.nanoTime(), "role", "user"))
                .expect(201);

        // A fresh tab is signed out: it says how to sign in and asks the API nothing (each request was a 401
        // in the console).
        driver.get("http://localhost:" + port + "/#sweep=" + sweepId);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("jobs-error")));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("signin-status"), "not signed in"));
        // 401 as a status of its own: every console line carries the page's URL, whose sweep id (a UUID)
        // now and then contains the digits 401 (a failed CI run read "…-2ec5401afc4b" as a 401).
        assertThat(driver.manage().logs().get(LogType.BROWSER).getAll())
                .extracting(LogEntry::getMessage)
                .noneMatch(message -> UNAUTHORIZED.matcher(message).find());

        signIn(bob.get("key").asString(), "signed in as " + bob.get("name").asString() + " (user)");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("sweep-name"), "There is no sweep"));
        recordRequests();
        // Two ticks of the Sweeps tab (each reads the sweep list): the missing sweep is not read again.
        wait.until(
                d -> requests().stream().filter(r -> r.startsWith("/sweeps?")).count() >= 2);
        assertThat(requests()).noneMatch(r -> r.startsWith("/sweeps/" + sweepId));
        assertThat(scriptErrors()).isEmpty();
    }

    @Test
    @Order(14)
    void aJobWhoseModelRestoredItsBestPointSaysWhichLossesAreWhose() {
        // alpha 0.5 diverges after point 0; early stopping on train keeps point 0's weights in the model.
        Http http = new Http(port);
        String id = http.post("/jobs", """
                        {"name": "restored best", "dataset": "hw5", "layers": [20], "alpha": 0.5, "iterations": 5000,
                         "normalize": false, "bias": true, "earlyStopping": {"patience": 3, "monitor": "train"}}""").expect(202).get("id").asString();
        org.awaitility.Awaitility.await()
                .atMost(WAIT)
                .until(() -> http.get("/jobs/" + id).json().get("status").asString(), "SUCCEEDED"::equals);
        var job = http.get("/jobs/" + id).json();
        assertThat(job.get("restoredBest").asBoolean()).as("%s", job).isTrue();
        int best = job.get("bestIteration").asInt();
        var model = http.get("/models/" + job.get("modelId").asString()).json();
        assertThat(model.get("trainLoss").asDouble())
                .isNotEqualTo(job.get("trainLoss").asDouble());

        driver.get("http://localhost:" + port + "/#job=" + id);
        signInIfAsked();
        wait.until(ExpectedConditions.textToBe(By.id("job-name"), "restored best"));
        WebElement lineage = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("model-lineage")));
        Object modelLoss = ((ChromeDriver) driver)
                .executeAsyncScript(
                        "const done = arguments[arguments.length - 1];"
                                + "import('/dashboard/api.js').then(m => done(m.fmtLoss(arguments[0])))",
                        model.get("trainLoss").asDouble());
        assertThat(lineage.getText())
                .contains("MODEL TRAIN LOSS\n" + modelLoss)
                .contains(String.format(java.util.Locale.ENGLISH, "iteration %,d (restored best)", best));
        assertThat(driver.findElement(By.id("job-facts")).getText()).contains("TRAIN LOSS (LAST POINT)");
        WebElement loss = wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#job-table tbody tr[data-job-id='" + id + "'] td.loss .sub")));
        assertThat(loss.getText())
                .isEqualTo(String.format(java.util.Locale.ENGLISH, "last point; model: iteration %,d", best));
        assertThat(scriptErrors()).isEmpty();
    }

    @Test
    @Order(15)
    void aJobCancelledWhileQueuedSaysItHasNoHistory() {
        Http http = new Http(port);
        http.post("/jobs", """
                {"name": "holds the worker", "dataset": "hw5", "layers": [20], "alpha": 0.0002, "iterations": 500000,
                 "seed": 7}""").expect(202);
        String id = http.post("/jobs", """
                        {"name": "never ran", "dataset": "hw5", "alpha": 0.001, "iterations": 50, "seed": 7}""").expect(202).get("id").asString();
        http.post("/jobs/" + id + "/cancel", "").expect(202);
        driver.get("http://localhost:" + port + "/#job=" + id);
        signInIfAsked();
        wait.until(ExpectedConditions.textToBe(By.id("job-status"), "CANCELLED"));
        for (String chart : List.of("loss-chart", "gradient-chart")) {
            wait.until(ExpectedConditions.textToBe(
                    By.cssSelector("#" + chart + " .chart-empty"),
                    "No history: the job ended before its first point."));
        }
        assertThat(scriptErrors()).isEmpty();
    }

    @Test
    @Order(16)
    void olderSweepsLoadByCursorAndTheTicksKeepTheFocusOnASweep() {
        Http http = new Http(port);
        for (int i = 0; i < 101; i++) {
            http.post("/sweeps", """
                    {"name": "paged sweep %03d", "base": {"dataset": "hw5", "layers": [2], "alpha": 0.001,
                      "iterations": 1, "validationFraction": 0.2}, "grid": {"seed": [1]}}""".formatted(i)).expect(202);
        }
        int total = http.get("/sweeps?limit=500").json().get("items").size();
        driver.get("http://localhost:" + port + "/");
        signInIfAsked();
        driver.findElement(By.id("tab-sweeps")).click();
        wait.until(d -> sweepNames().size() == 100);

        // A keyboard user on a sweep keeps the place while the list refreshes (every 3 s).
        ((ChromeDriver) driver).executeScript("document.querySelectorAll('#sweep-table tbody button')[2].focus()");
        String focused = (String) ((ChromeDriver) driver).executeScript("return document.activeElement.textContent");
        recordRequests();
        wait.until(
                d -> requests().stream().filter(r -> r.startsWith("/sweeps?")).count() >= 2);
        assertThat(((ChromeDriver) driver).executeScript("return document.activeElement.textContent"))
                .isEqualTo(focused);

        // The newest 100 are one page: the older ones load by cursor, and stay through the ticks.
        WebElement more = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sweeps-more")));

        more.click();
        wait.until(d -> sweepNames().size() == total);
        wait.until(ExpectedConditions.invisibilityOf(more));
        recordRequests();
        wait.until(
                d -> requests().stream().filter(r -> r.startsWith("/sweeps?")).count() >= 2);
        assertThat(sweepNames()).hasSize(total).doesNotHaveDuplicates().contains("paged sweep 000", "paged sweep 100");
        assertThat(scriptErrors()).isEmpty();
    }

    @SuppressWarnings("unchecked")
    private List<String> sweepNames() {
        return (List<String>) ((ChromeDriver) driver)
                .executeScript(
                        "return [...document.querySelectorAll('#sweep-table tbody button')].map(b => b.textContent)");
    }

    /** From now on, the page's requests are recorded for {@link #requests()}. */
    private void recordRequests() {
        ((ChromeDriver) driver)
                .executeScript(
                        "window.__requests = []; const original = window.fetch;"
                                + "window.fetch = (...args) => { window.__requests.push(String(args[0])); return original(...args); };");
    }

    @SuppressWarnings("unchecked")
    private List<String> requests() {
        return (List<String>) ((ChromeDriver) driver).executeScript("return window.__requests");
    }

    private void signIn(String key, String status) {
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("signin-status"), "not signed in"));
        driver.findElement(By.id("signin-key")).sendKeys(key);
        driver.findElement(By.id("signin-button")).click();
        wait.until(ExpectedConditions.textToBe(By.id("signin-status"), status));
    }

    private void field(String id, String value) {
        WebElement input = driver.findElement(By.id(id));
        input.clear();
        input.sendKeys(value);
    }

    /** The names in the job list, top to bottom (read in one script call: rows come and go while it refreshes). */
    @SuppressWarnings("unchecked")
    private List<String> rowNames() {
        return (List<String>) ((ChromeDriver) driver)
                .executeScript(
                        "return [...document.querySelectorAll('#job-table tbody .job-open')].map(b => b.textContent)");
    }

    private static int intAttribute(WebElement element, String name) {
        return Integer.parseInt(element.getDomAttribute(name));
    }

    private void screenshot(Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Path shot = ((ChromeDriver) driver).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Uncaught exceptions in the page; failed requests (a 404 the page handles) are not script errors. */
    private List<String> scriptErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .filter(message -> !message.contains("Failed to load resource"))
                .toList();
    }
}
