package dev.ferry.ledger;

import dev.ferry.plan.TablePlan;
import java.sql.Array;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.postgresql.util.PGobject;

/**
 * A transformed row as JSON that {@code jsonb_populate_record} reads back into the same values:
 * arrays as JSON arrays, timestamps as ISO instants, json as JSON, bytea as {@code \x} hex.
 */
public final class RowJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RowJson() {
    }

    /** The row as a JSON object text. */
    public static String of(Map<String, Object> row) {
        Map<String, Object> out = new LinkedHashMap<>();
        row.forEach((k, v) -> {
            if (!TablePlan.KEY_FIELD.equalsIgnoreCase(k)) {
                out.put(k, value(v));
            }
        });
        try {
            return JSON.writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("row cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static Object value(Object v) {
        try {
            if (v == null || v instanceof Number || v instanceof Boolean || v instanceof String) {
                return v;
            }
            if (v instanceof Timestamp ts) {
                // wall time with the JVM's offset: right for timestamptz, and timestamp ignores the offset
                return ts.toLocalDateTime().atZone(ZoneId.systemDefault()).toOffsetDateTime().toString();
            }
            if (v instanceof OffsetDateTime odt) {
                return odt.toString();
            }
            if (v instanceof Array array) {
                return value(array.getArray());
            }
            if (v instanceof Object[] items) {
                List<Object> list = new ArrayList<>();
                for (Object item : items) {
                    list.add(value(item));
                }
                return list;
            }
            if (v instanceof byte[] bytes) {
                return "\\x" + HexFormat.of().formatHex(bytes);
            }
            if (v instanceof PGobject pg) {
                if (pg.getValue() != null && ("json".equals(pg.getType()) || "jsonb".equals(pg.getType()))) {
                    return JSON.readTree(pg.getValue());
                }
                return pg.getValue();
            }
            return v.toString();
        } catch (SQLException | JsonProcessingException e) {
            return String.valueOf(v);
        }
    }
}
