package io.trainyard.sweep;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The sweeps table. */
@Repository
class SweepRepository {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JdbcClient jdbc;

    SweepRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(Sweep sweep) {
        jdbc.sql("""
                INSERT INTO sweeps (id, name, base, grid, select_by, job_ids, created_at)
                VALUES (:id, :name, :base, :grid, :selectBy, :jobIds, :createdAt)""")
                .param("id", sweep.id())
                .param("name", sweep.name())
                .param("base", JSON.writeValueAsString(sweep.base()))
                .param("grid", JSON.writeValueAsString(sweep.grid()))
                .param("selectBy", sweep.selectBy().name())
                .param("jobIds", JSON.writeValueAsString(sweep.jobIds()))
                .param("createdAt", OffsetDateTime.ofInstant(sweep.createdAt(), ZoneOffset.UTC))
                .update();
    }

    Optional<Sweep> find(String id) {
        return jdbc.sql("SELECT * FROM sweeps WHERE id = :id").param("id", id).query(SweepRepository::map).optional();
    }

    /** The newest sweeps first. */
    List<Sweep> newest(int limit) {
        return jdbc.sql("SELECT * FROM sweeps ORDER BY created_at DESC, id DESC LIMIT :limit").param("limit", limit)
                .query(SweepRepository::map).list();
    }

    private static Sweep map(ResultSet rs, int row) throws SQLException {
        return new Sweep(rs.getString("id"), rs.getString("name"),
                (ObjectNode) JSON.readTree(rs.getString("base")),
                JSON.readValue(rs.getString("grid"), new TypeReference<Map<String, List<JsonNode>>>() {
                }),
                SelectBy.valueOf(rs.getString("select_by")),
                JSON.readValue(rs.getString("job_ids"), new TypeReference<List<String>>() {
                }),
                rs.getObject("created_at", OffsetDateTime.class).toInstant());
    }
}
