package io.trainyard.dataset;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import io.trainyard.system.DoubleArrays;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Stored (uploaded or inline) data sets. */
@Repository
class DatasetRepository {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JdbcClient jdbc;

    DatasetRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(Dataset dataset) {
        jdbc.sql("""
                INSERT INTO datasets (id, name, columns_json, features, targets, train_rows, test_rows,
                    train_x, train_y, test_x, test_y, listed, created_at)
                VALUES (:id, :name, :columns, :features, :targets, :trainRows, :testRows,
                    :trainX, :trainY, :testX, :testY, :listed, :createdAt)""")
                .param("id", dataset.id())
                .param("name", dataset.name())
                .param("columns", JSON.writeValueAsString(dataset.columns()))
                .param("features", dataset.features())
                .param("targets", dataset.targets())
                .param("trainRows", dataset.trainRows())
                .param("testRows", dataset.testRows())
                .param("trainX", DoubleArrays.encode(dataset.trainX()))
                .param("trainY", DoubleArrays.encode(dataset.trainY()))
                .param("testX", dataset.testX() == null ? null : DoubleArrays.encode(dataset.testX()))
                .param("testY", dataset.testY() == null ? null : DoubleArrays.encode(dataset.testY()))
                .param("listed", dataset.listed())
                .param("createdAt", OffsetDateTime.ofInstant(dataset.createdAt(), ZoneOffset.UTC))
                .update();
    }

    Optional<Dataset> find(String id) {
        return jdbc.sql("SELECT * FROM datasets WHERE id = :id").param("id", id).query(DatasetRepository::map)
                .optional();
    }

    /** Listed data sets without their numbers, newest first. */
    List<DatasetInfo> findListed() {
        return jdbc.sql("""
                SELECT id, name, columns_json, features, targets, train_rows, test_rows, created_at
                FROM datasets WHERE listed ORDER BY created_at DESC, id DESC""")
                .query((rs, row) -> new DatasetInfo(rs.getString("id"), rs.getString("name"),
                        JSON.readValue(rs.getString("columns_json"), new TypeReference<List<String>>() {
                        }), rs.getInt("features"), rs.getInt("targets"), rs.getInt("train_rows"), rs.getInt("test_rows"),
                        false, rs.getObject("created_at", OffsetDateTime.class).toInstant()))
                .list();
    }

    boolean delete(String id) {
        return jdbc.sql("DELETE FROM datasets WHERE id = :id").param("id", id).update() > 0;
    }

    private static Dataset map(ResultSet rs, int row) throws SQLException {
        int features = rs.getInt("features");
        int targets = rs.getInt("targets");
        List<String> columns = JSON.readValue(rs.getString("columns_json"), new TypeReference<List<String>>() {
        });
        Instant createdAt = rs.getObject("created_at", OffsetDateTime.class).toInstant();
        return new Dataset(rs.getString("id"), rs.getString("name"), columns,
                DoubleArrays.decode(rs.getBytes("train_x"), features), DoubleArrays.decode(rs.getBytes("train_y"), targets),
                DoubleArrays.decode(rs.getBytes("test_x"), features), DoubleArrays.decode(rs.getBytes("test_y"), targets),
                false, rs.getBoolean("listed"), createdAt);
    }
}
