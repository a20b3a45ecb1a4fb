package io.trainyard.system;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Reading and writing the column types every repository shares, the same way on H2 and PostgreSQL:
 * times as {@code TIMESTAMP WITH TIME ZONE} in UTC, and SQL NULL as Java null for numbers.
 */
public final class Rows {

    private Rows() {}

    /** An instant as a parameter for a {@code TIMESTAMP WITH TIME ZONE} column. */
    public static OffsetDateTime time(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    public static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    public static Integer integer(ResultSet rs, String column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }

    public static Double number(ResultSet rs, String column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? null : value;
    }

    /** Text cut to fit a {@code VARCHAR(max)} column, marked as cut. */
    public static String truncate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max - 3) + "...";
    }
}
