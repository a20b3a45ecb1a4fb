package io.trainyard.dataset;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import io.trainyard.system.DoubleArrays;
import io.trainyard.system.PageCursor;
import io.trainyard.system.Rows;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Stored (uploaded or inline) data sets. */
@Repository
class DatasetRepository {

    private static final TypeReference<List<String>> COLUMNS = new TypeReference<>() {};
    private static final String INFO_COLUMNS =
            "id, name, columns_json, features, targets, train_rows, test_rows, validation_rows, created_at, owner";

    private final JdbcClient jdbc;
    private final JsonMapper json;

    DatasetRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    void insert(Dataset dataset, String owner) {
        jdbc.sql("""
                INSERT INTO datasets (id, name, columns_json, features, targets, train_rows, test_rows,
                    train_x, train_y, test_x, test_y, validation_rows, validation_x, validation_y, listed, created_at, owner)
                VALUES (:id, :name, :columns, :features, :targets, :trainRows, :testRows,
                    :trainX, :trainY, :testX, :testY, :validationRows, :validationX, :validationY, :listed, :createdAt, :owner)""")
                .param("owner", owner)
                .param("id", dataset.id())
                .param("name", dataset.name())
                .param("columns", json.writeValueAsString(dataset.columns()))
                .param("features", dataset.features())
                .param("targets", dataset.targets())
                .param("trainRows", dataset.trainRows())
                .param("testRows", dataset.testRows())
                .param("trainX", DoubleArrays.encode(dataset.trainX()))
                .param("trainY", DoubleArrays.encode(dataset.trainY()))
                .param("testX", dataset.testX() == null ? null : DoubleArrays.encode(dataset.testX()))
                .param("testY", dataset.testY() == null ? null : DoubleArrays.encode(dataset.testY()))
                .param("validationRows", dataset.validationRows())
                .param("validationX", dataset.validationX() == null ? null : DoubleArrays.encode(dataset.validationX()))
                .param("validationY", dataset.validationY() == null ? null : DoubleArrays.encode(dataset.validationY()))
                .param("listed", dataset.listed())
                .param("createdAt", Rows.time(dataset.createdAt()))
                .update();
    }

    Optional<Dataset> find(String id) {
        return jdbc.sql("SELECT * FROM datasets WHERE id = :id")
                .param("id", id)
                .query(this::map)
                .optional();
    }

    /** The data set, if {@code owner} owns it; any owner's with a null {@code owner}. */
    Optional<Dataset> find(String id, String owner) {
        if (owner == null) {
            return find(id);
        }
        return jdbc.sql("SELECT * FROM datasets WHERE id = :id AND owner = :owner")
                .param("id", id)
                .param("owner", owner)
                .query(this::map)
                .optional();
    }

    /** Whether the stored data set is listed (an upload) or inline job data; empty when there is none. */
    Optional<Boolean> listed(String id, String owner) {
        if (owner == null) {
            return jdbc.sql("SELECT listed FROM datasets WHERE id = :id")
                    .param("id", id)
                    .query(Boolean.class)
                    .optional();
        }
        return jdbc.sql("SELECT listed FROM datasets WHERE id = :id AND owner = :owner")
                .param("id", id)
                .param("owner", owner)
                .query(Boolean.class)
                .optional();
    }

    /** Listed data sets without their numbers, newest first, of one owner or (null) of all. */
    List<DatasetInfo> findListed(String owner, PageCursor after, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + INFO_COLUMNS + " FROM datasets WHERE listed");
        java.util.Map<String, Object> params = new java.util.HashMap<>();
        if (owner != null) {
            sql.append(" AND owner = :owner");
            params.put("owner", owner);
        }
        PageCursor.appendPage(sql, params, after, limit);
        return jdbc.sql(sql.toString()).params(params).query(this::info).list();
    }

    /** What a stored data set is, read without decoding its numbers (null {@code owner}: any owner's). */
    Optional<DatasetInfo> findInfo(String id, String owner) {
        if (owner == null) {
            return jdbc.sql("SELECT " + INFO_COLUMNS + " FROM datasets WHERE id = :id")
                    .param("id", id)
                    .query(this::info)
                    .optional();
        }
        return jdbc.sql("SELECT " + INFO_COLUMNS + " FROM datasets WHERE id = :id AND owner = :owner")
                .param("id", id)
                .param("owner", owner)
                .query(this::info)
                .optional();
    }

    private DatasetInfo info(ResultSet rs, int row) throws SQLException {
        return new DatasetInfo(
                rs.getString("id"),
                rs.getString("name"),
                json.readValue(rs.getString("columns_json"), COLUMNS),
                rs.getInt("features"),
                rs.getInt("targets"),
                rs.getInt("train_rows"),
                rs.getInt("test_rows"),
                rs.getInt("validation_rows"),
                false,
                Rows.instant(rs, "created_at"),
                rs.getString("owner"));
    }

    boolean delete(String id) {
        return jdbc.sql("DELETE FROM datasets WHERE id = :id").param("id", id).update() > 0;
    }

    private Dataset map(ResultSet rs, int row) throws SQLException {
        int features = rs.getInt("features");
        int targets = rs.getInt("targets");
        List<String> columns = json.readValue(rs.getString("columns_json"), COLUMNS);
        Instant createdAt = Rows.instant(rs, "created_at");
        return new Dataset(
                rs.getString("id"),
                rs.getString("name"),
                columns,
                DoubleArrays.decode(rs.getBytes("train_x"), features),
                DoubleArrays.decode(rs.getBytes("train_y"), targets),
                DoubleArrays.decode(rs.getBytes("test_x"), features),
                DoubleArrays.decode(rs.getBytes("test_y"), targets),
                DoubleArrays.decode(rs.getBytes("validation_x"), features),
                DoubleArrays.decode(rs.getBytes("validation_y"), targets),
                false,
                rs.getBoolean("listed"),
                createdAt);
    }
}
