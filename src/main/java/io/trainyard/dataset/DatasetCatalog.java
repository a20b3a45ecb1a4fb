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
import org.springframework.transaction.annotation.Transactional;

import io.trainyard.security.Caller;
import io.trainyard.security.Owners;
import io.trainyard.system.InvalidRequestException;
import io.trainyard.system.PageCursor;
import io.trainyard.system.Timestamps;
import io.trainyard.system.TrainyardProperties;

/**
 * Every data set a job can train on: the built-in ones shipped as resources (read once at start-up)
 * and the stored ones in the database.
 */
@Service
public class DatasetCatalog {

    /** The homework data set: five inputs x1..x5, target y, 400 training and 200 test rows. */
    public static final String HW5 = "hw5";

    private final DatasetRepository repository;
    private final InlineDataCache inline;
    private final List<DatasetUsage> usages;
    private final Owners owners;
    private final long maxCells;
    private final int maxWidth;
    private final Map<String, Dataset> builtIn = new LinkedHashMap<>();

    DatasetCatalog(
            DatasetRepository repository,
            InlineDataCache inline,
            List<DatasetUsage> usages,
            Owners owners,
            TrainyardProperties properties) {
        this.repository = repository;
        this.inline = inline;
        this.usages = usages;
        this.owners = owners;
        this.maxCells = properties.limits().maxDataCells();
        this.maxWidth = properties.limits().maxWidth();
        builtIn.put(
                HW5,
                readBuiltIn(
                        HW5,
                        "Homework 5: five inputs on very different scales, one noisy smooth target",
                        "datasets/hw5-train.csv",
                        "datasets/hw5-test.csv"));
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
        // Built-in data sets are everyone's; another owner's upload answers exactly as an unknown id.
        String owner = Caller.current().onlyOwner();
        return inline.get(id)
                .filter(cached -> owner == null || owner.equals(cached.owner()))
                .map(InlineDataCache.Entry::dataset)
                .or(() -> repository.find(id, owner))
                .orElseThrow(() -> new DatasetNotFoundException(id));
    }

    /**
     * What the data set with this id is (shape, columns), without decoding its numbers.
     *
     * @throws DatasetNotFoundException when there is none
     */
    public DatasetInfo info(String id) {
        Dataset dataset = builtIn.get(id);
        if (dataset != null) {
            return dataset.info();
        }
        return repository
                .findInfo(id, Caller.current().onlyOwner())
                .orElseThrow(() -> new DatasetNotFoundException(id));
    }

    /**
     * Built-in data sets first (on the first page), then at most {@code limit} stored ones, newest first,
     * after {@code cursor} (null: from the newest).
     */
    public PageCursor.Page<DatasetInfo> list(String owner, String cursor, int limit) {
        Owners.Listing listing = owners.listing("datasets", owner, cursor);
        List<DatasetInfo> out = new ArrayList<>();
        if (listing.after() == null) {
            builtIn.values().forEach(d -> out.add(d.info()));
        }
        PageCursor.Page<DatasetInfo> stored = listing.page(
                repository.findListed(listing.owner(), listing.after(), limit + 1),
                limit,
                DatasetInfo::createdAt,
                DatasetInfo::id);
        out.addAll(stored.items());
        return new PageCursor.Page<>(out, stored.nextCursor());
    }

    /**
     * Stores data sent inline with a job so that the job can be retrained after a restart; it is
     * not listed among the data sets. It belongs to the caller, who owns the job. This instance's
     * workers get it back as it is here, without a database read, once the caller's transaction commits.
     */
    public Dataset storeInline(String name, DataTables.Table data) {
        List<String> columns = defaultColumns(data.x()[0].length, data.y()[0].length);
        Dataset dataset = new Dataset(
                "inline-" + UUID.randomUUID(),
                name,
                columns,
                data.x(),
                data.y(),
                data.testX(),
                data.testY(),
                data.validationX(),
                data.validationY(),
                false,
                false,
                Timestamps.now());
        String owner = Caller.current().name();
        repository.insert(dataset, owner);
        inline.putAfterCommit(dataset, owner);
        return dataset;
    }

    /**
     * Parses and stores an uploaded CSV file as a listed data set.
     *
     * @param targets target column names; empty means the last column
     * @param testFraction share of the rows moved to the test set by a shuffle seeded with {@code seed}
     * @param validationFraction share of the rows left after the test split moved to the data set's own
     *     validation part, by a shuffle from an independent stream of {@code seed}
     * @throws InvalidRequestException naming the line and column of the first problem in the file
     */
    public Dataset uploadCsv(
            String name, Reader csv, List<String> targets, double testFraction, double validationFraction, long seed) {
        CsvTable table = CsvTable.parse(csv, targets, maxCells, maxWidth);
        return store(
                name,
                table.columns(),
                split(
                        new DataTables.Table(table.x(), table.y(), null, null, null, null),
                        testFraction,
                        validationFraction,
                        seed));
    }

    /**
     * Moves {@code testFraction} of the rows to the test part and then {@code validationFraction} of the
     * rest to the validation part, by shuffles from independent streams of {@code seed}; a fraction of 0
     * keeps the part the table has.
     */
    private static DataTables.Table split(
            DataTables.Table table, double testFraction, double validationFraction, long seed) {
        TrainTestSplit split = TrainTestSplit.of(table.x(), table.y(), testFraction, seed);
        TrainTestSplit validation = TrainTestSplit.of(
                split.trainX(), split.trainY(), validationFraction, seed ^ VALIDATION_STREAM, "validationFraction");
        return new DataTables.Table(
                validation.trainX(),
                validation.trainY(),
                testFraction > 0 ? split.testX() : table.testX(),
                testFraction > 0 ? split.testY() : table.testY(),
                validationFraction > 0 ? validation.testX() : table.validationX(),
                validationFraction > 0 ? validation.testY() : table.validationY());
    }

    /** Salt that separates the validation shuffle of an upload from its test shuffle. */
    static final long VALIDATION_STREAM = 0x2545F4914F6CDD1DL;

    /**
     * Stores data sent as JSON (already checked with {@link DataTables#check}) as a listed data set,
     * moving shares of its rows to the test and validation parts as a CSV upload does (the caller has
     * refused a fraction for a part the data already brings).
     */
    public Dataset upload(
            String name, DataTables.Table table, double testFraction, double validationFraction, long seed) {
        return store(
                name,
                defaultColumns(table.x()[0].length, table.y()[0].length),
                split(table, testFraction, validationFraction, seed));
    }

    /** The most input (or target) columns one data set may have ({@code trainyard.limits.max-width}). */
    public int maxWidth() {
        return maxWidth;
    }

    /** The most numbers one data set may hold ({@code trainyard.limits.max-data-cells}). */
    public long maxCells() {
        return maxCells;
    }

    /**
     * Deletes an uploaded data set.
     *
     * @throws DatasetNotFoundException when there is none with this id
     * @throws DatasetInUseException for a built-in data set, inline job data, or one that queued or
     *     running jobs train on
     */
    @Transactional
    public void delete(String id) {
        if (builtIn.containsKey(id)) {
            throw new DatasetInUseException("Data set " + id + " is built in and cannot be deleted.");
        }
        // Only whether it is listed (and the caller's): deleting never decodes the numbers. Another
        // owner's data set answers exactly like an unknown one.
        boolean listed =
                repository.listed(id, Caller.current().onlyOwner()).orElseThrow(() -> new DatasetNotFoundException(id));
        if (!listed) {
            throw new DatasetInUseException("Data set " + id + " holds the data sent inline with a job; it is kept "
                    + "so that job can be retrained and goes only with the database.");
        }
        List<DatasetUsage.User> users = new ArrayList<>();
        usages.forEach(usage -> users.addAll(usage.activeUsersOf(id)));
        if (!users.isEmpty()) {
            throw new DatasetInUseException(inUse(id, users, Caller.current()));
        }
        if (!repository.delete(id)) {
            throw new DatasetNotFoundException(id);
        }
    }

    /**
     * Why a data set cannot go yet. Only the jobs the caller may see are named, with what to do about
     * them; the others (an admin's job may train on a user's data set) are only counted: their ids would
     * answer the caller 404, and only their owner or an admin can cancel them.
     */
    static String inUse(String id, List<DatasetUsage.User> users, Caller caller) {
        List<String> own = users.stream()
                .filter(user -> caller.sees(user.owner()))
                .map(DatasetUsage.User::id)
                .toList();
        int others = users.size() - own.size();
        StringBuilder text = new StringBuilder("Data set ").append(id).append(" is used by ");
        if (!own.isEmpty()) {
            text.append(caller.isAdmin() ? "" : "your ")
                    .append(own.size() == 1 && !caller.isAdmin() ? "" : own.size() + " ")
                    .append(own.size() == 1 ? "queued or running job " : "queued or running jobs ")
                    .append(own.size() <= 5 ? own : own.subList(0, 5) + " and " + (own.size() - 5) + " more");
        }
        if (others > 0) {
            // Only an admin may train on another owner's data set, and an admin sees every job.
            text.append(own.isEmpty() ? "" : ", and by ")
                    .append(others)
                    .append(
                            others == 1
                                    ? " queued or running job of another owner"
                                    : " queued or running jobs of other owners")
                    .append(" (an admin may train on your data sets)");
        }
        if (own.isEmpty()) {
            return text.append(
                            others == 1
                                    ? "; it can be deleted once that job has finished (or its owner or an admin has "
                                            + "cancelled it)."
                                    : "; it can be deleted once those jobs have finished (or their owners or an admin "
                                            + "have cancelled them).")
                    .toString();
        }
        return text.append("; cancel ")
                .append(others == 0 ? (own.size() == 1 ? "it" : "them") : "yours")
                .append(" (POST /jobs/{id}/cancel) or wait until ")
                .append(others == 0 && own.size() == 1 ? "it finishes" : "they finish")
                .append(", then delete it.")
                .toString();
    }

    /**
     * Whether a data set a job is about to be queued on is still there: asked again under the lock that
     * admits jobs, which a deletion takes too, so a data set deleted after the job's spec was checked
     * refuses the job instead of leaving it to fail at its start.
     */
    public boolean stillThere(String id) {
        return builtIn.containsKey(id) || repository.listed(id, null).isPresent();
    }

    /**
     * Deletes data that was sent inline with jobs once the last job that trained on it is gone, so
     * deleting jobs gives their data back too. Listed (uploaded) and built-in data sets are untouched.
     */
    public void releaseInline(String id) {
        if (builtIn.containsKey(id)) {
            return;
        }
        if (repository.listed(id, null).filter(listed -> !listed).isPresent()) {
            repository.delete(id);
            inline.evict(id);
        }
    }

    private Dataset store(String name, List<String> columns, DataTables.Table t) {
        Dataset dataset = new Dataset(
                UUID.randomUUID().toString(),
                name,
                columns,
                t.x(),
                t.y(),
                t.testX(),
                t.testY(),
                t.validationX(),
                t.validationY(),
                false,
                true,
                Timestamps.now());
        repository.insert(dataset, Caller.current().name());
        return dataset;
    }

    private static List<String> defaultColumns(int inputs, int outputs) {
        List<String> columns = new ArrayList<>();
        for (int i = 1; i <= inputs; i++) {
            columns.add("x" + i);
        }
        for (int i = 1; i <= outputs; i++) {
            columns.add(outputs == 1 ? "y" : "y" + i);
        }
        return columns;
    }

    private static Dataset readBuiltIn(String id, String name, String trainPath, String testPath) {
        CsvTable train = readResource(trainPath);
        CsvTable test = readResource(testPath);
        return new Dataset(
                id,
                name,
                train.columns(),
                train.x(),
                train.y(),
                test.x(),
                test.y(),
                null,
                null,
                true,
                true,
                Instant.EPOCH);
    }

    private static CsvTable readResource(String path) {
        try (Reader reader =
                new InputStreamReader(new ClassPathResource(path).getInputStream(), StandardCharsets.UTF_8)) {
            return CsvTable.parse(reader, List.of(), Long.MAX_VALUE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read built-in data set " + path, e);
        }
    }
}
