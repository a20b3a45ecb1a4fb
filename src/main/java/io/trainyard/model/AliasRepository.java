package io.trainyard.model;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Aliases and their change history. Every method takes the owner: names are unique per owner. */
@Repository
class AliasRepository {

    private final JdbcClient jdbc;

    AliasRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<Alias> find(String owner, String name) {
        return jdbc.sql("SELECT owner, name, model_id, updated_at FROM aliases WHERE owner = :owner AND name = :name")
                .param("owner", owner)
                .param("name", name)
                .query(AliasRepository::map)
                .optional();
    }

    /**
     * Locks the model's row until the transaction ends; false when there is no such model. Setting an
     * alias and deleting its model both take this lock first, so one of them sees the other: the
     * aliases' foreign key alone let both through on H2, whose checks do not see uncommitted rows.
     */
    boolean lockModel(String modelId) {
        return !jdbc.sql("SELECT id FROM models WHERE id = :id FOR UPDATE")
                .param("id", modelId)
                .query(String.class)
                .list()
                .isEmpty();
    }

    /** The alias, its row locked until the transaction ends so two changes of one name are kept in order. */
    Optional<Alias> findForUpdate(String owner, String name) {
        return jdbc.sql(
                        "SELECT owner, name, model_id, updated_at FROM aliases WHERE owner = :owner AND name = :name FOR UPDATE")
                .param("owner", owner)
                .param("name", name)
                .query(AliasRepository::map)
                .optional();
    }

    List<Alias> list(String owner) {
        return jdbc.sql("SELECT owner, name, model_id, updated_at FROM aliases WHERE owner = :owner ORDER BY name")
                .param("owner", owner)
                .query(AliasRepository::map)
                .list();
    }

    /** Every owner's aliases, by owner and name (for an admin). */
    List<Alias> listAll() {
        return jdbc.sql("SELECT owner, name, model_id, updated_at FROM aliases ORDER BY owner, name")
                .query(AliasRepository::map)
                .list();
    }

    void insert(String owner, String name, String modelId, Instant at) {
        jdbc.sql("INSERT INTO aliases (owner, name, model_id, updated_at) VALUES (:owner, :name, :model, :at)")
                .param("owner", owner)
                .param("name", name)
                .param("model", modelId)
                .param("at", utc(at))
                .update();
    }

    void update(String owner, String name, String modelId, Instant at) {
        jdbc.sql("UPDATE aliases SET model_id = :model, updated_at = :at WHERE owner = :owner AND name = :name")
                .param("owner", owner)
                .param("name", name)
                .param("model", modelId)
                .param("at", utc(at))
                .update();
    }

    boolean delete(String owner, String name) {
        return jdbc.sql("DELETE FROM aliases WHERE owner = :owner AND name = :name")
                        .param("owner", owner)
                        .param("name", name)
                        .update()
                == 1;
    }

    void recordChange(String owner, String name, Alias.Change change) {
        jdbc.sql("""
                INSERT INTO alias_history (owner, alias_name, model_id, previous_model_id, changed_at, changed_by)
                VALUES (:owner, :name, :model, :previous, :at, :by)""")
                .param("owner", owner)
                .param("name", name)
                .param("model", change.modelId())
                .param("previous", change.previousModelId())
                .param("at", utc(change.at()))
                .param("by", change.by())
                .update();
    }

    /** Changes newest first, at most {@code limit}. */
    List<Alias.Change> history(String owner, String name, int limit) {
        return jdbc.sql("""
                SELECT model_id, previous_model_id, changed_at, changed_by FROM alias_history
                WHERE owner = :owner AND alias_name = :name ORDER BY id DESC LIMIT :limit""")
                .param("owner", owner)
                .param("name", name)
                .param("limit", limit)
                .query((rs, row) -> new Alias.Change(
                        rs.getString("model_id"),
                        rs.getString("previous_model_id"),
                        rs.getObject("changed_at", OffsetDateTime.class).toInstant(),
                        rs.getString("changed_by")))
                .list();
    }

    /** The aliases of every owner that point to a model, by owner and name. */
    List<Pointer> pointingTo(String modelId) {
        return jdbc.sql("SELECT owner, name FROM aliases WHERE model_id = :model ORDER BY owner, name")
                .param("model", modelId)
                .query((rs, row) -> new Pointer(rs.getString("owner"), rs.getString("name")))
                .list();
    }

    /** One alias pointing to a model: whose it is, and its name. */
    record Pointer(String owner, String name) {}

    private static Alias map(ResultSet rs, int row) throws SQLException {
        return new Alias(
                rs.getString("owner"),
                rs.getString("name"),
                rs.getString("model_id"),
                rs.getObject("updated_at", OffsetDateTime.class).toInstant());
    }

    private static OffsetDateTime utc(Instant at) {
        return OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
    }
}
