package io.trainyard.dataset;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Service;

/**
 * Every data set a job can train on: the built-in ones shipped as resources (read once at start-up)
 * and the stored ones in the database.
 */
@Service
public class DatasetCatalog {

    /** The homework data set: five inputs x1..x5, target y, 400 training and 200 test rows. */
    public static final String HW5 = "hw5";

    private final DatasetRepository repository;
    private final Map<String, Dataset> builtIn = new LinkedHashMap<>();

    DatasetCatalog(DatasetRepository repository) {
        this.repository = repository;
        builtIn.put(HW5, readBuiltIn(HW5, "Homework 5: five inputs on very different scales, one noisy smooth target",
                "datasets/hw5-train.csv", "datasets/hw5-test.csv"));
    }

    /**
     * The data set with this id.
     *
     * @throws DatasetNotFoundException when there is none
     */
    public Dataset get(String id) {
        Dataset dataset = builtIn.get(id);
        if (dataset != null) {
            return dataset;
        }
        return repository.find(id).orElseThrow(() -> new DatasetNotFoundException(id));
    }

    public boolean exists(String id) {
        return builtIn.containsKey(id) || repository.find(id).isPresent();
    }

    /** Built-in data sets first, then stored ones, newest first. */
    public List<DatasetInfo> list() {
        List<DatasetInfo> out = new ArrayList<>();
        builtIn.values().forEach(d -> out.add(d.info()));
        out.addAll(repository.findListed());
        return out;
    }

    /**
     * Stores data sent inline with a job so that the job can be retrained after a restart; it is
     * not listed among the data sets.
     */
    public Dataset storeInline(String name, double[][] x, double[][] y, double[][] testX, double[][] testY) {
        List<String> columns = new ArrayList<>();
        for (int i = 1; i <= x[0].length; i++) {
            columns.add("x" + i);
        }
        for (int i = 1; i <= y[0].length; i++) {
            columns.add(y[0].length == 1 ? "y" : "y" + i);
        }
        Dataset dataset = new Dataset("inline-" + UUID.randomUUID(), name, columns, x, y, testX, testY, false, false,
                Instant.now());
        repository.insert(dataset);
        return dataset;
    }

    private static Dataset readBuiltIn(String id, String name, String trainPath, String testPath) {
        CsvTable train = readResource(trainPath);
        CsvTable test = readResource(testPath);
        return new Dataset(id, name, train.columns(), train.x(), train.y(), test.x(), test.y(), true, true,
                Instant.EPOCH);
    }

    private static CsvTable readResource(String path) {
        try (Reader reader = new InputStreamReader(new ClassPathResource(path).getInputStream(), StandardCharsets.UTF_8)) {
            return CsvTable.parse(reader, List.of(), Long.MAX_VALUE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read built-in data set " + path, e);
        }
    }
}
