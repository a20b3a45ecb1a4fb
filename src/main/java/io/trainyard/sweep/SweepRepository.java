package io.trainyard.sweep;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import io.trainyard.system.PageCursor;
import io.trainyard.system.Rows;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The sweeps table. */
@Repository
class SweepRepository {

    private static final TypeReference<Map<String, List<JsonNode>>> GRID = new TypeReference<>() {};
    private static final TypeReference<List<String>> IDS = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final JsonMapper json;

    SweepRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    void insert(Sweep sweep, String owner) {
        jdbc.sql("""
                INSERT INTO sweeps (id, name, base, grid, select_by, job_ids, created_at, owner)
                VALUES (:id, :name, :base, :grid, :selectBy, :jobIds, :createdAt, :owner)""")
                .param("owner", owner)
                .param("id", sweep.id())
                .param("name", sweep.name())
                .param("base", json.writeValueAsString(sweep.base()))
                .param("grid", json.writeValueAsString(sweep.grid()))
                .param("selectBy", sweep.selectBy().name())
                .param("jobIds", json.writeValueAsString(sweep.jobIds()))
                .param("createdAt", Rows.time(sweep.createdAt()))
                .update();
    }

    /** The sweep, if {@code owner} owns it; any owner's with a null {@code owner}. */
    Optional<Sweep> find(String id, String owner) {
        if (owner == null) {
            return jdbc.sql("SELECT * FROM sweeps WHERE id = :id")
                    .param("id", id)
                    .query(this::map)
                    .optional();
        }
        return jdbc.sql("SELECT * FROM sweeps WHERE id = :id AND owner = :owner")
                .param("id", id)
                .param("owner", owner)
                .query(this::map)
                .optional();
    }

    /**
     * The newest sweeps first, of one owner or (null) of all, created strictly before {@code after}
     * (null: from the newest).
     */
    List<Sweep> newest(String owner, PageCursor after, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM sweeps WHERE 1 = 1");
        Map<String, Object> params = new HashMap<>();
        if (owner != null) {
            sql.append(" AND owner = :owner");
            params.put("owner", owner);
        }
        PageCursor.appendPage(sql, params, after, limit);
        return jdbc.sql(sql.toString()).params(params).query(this::map).list();
    }

    private Sweep map(ResultSet rs, int row) throws SQLException {
        return new Sweep(
                rs.getString("id"),
                rs.getString("name"),
                (ObjectNode) json.readTree(rs.getString("base")),
                json.readValue(rs.getString("grid"), GRID),
                SelectBy.valueOf(rs.getString("select_by")),
                json.readValue(rs.getString("job_ids"), IDS),
                Rows.instant(rs, "created_at"),
                rs.getString("owner"));
    }
}
