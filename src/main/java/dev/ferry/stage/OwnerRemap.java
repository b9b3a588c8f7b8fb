package dev.ferry.stage;

import java.util.List;
import java.util.Map;

/** The ownership transform: every row's owner column takes the development owner's id. */
public final class OwnerRemap {

    private OwnerRemap() {
    }

    /** Sets {@code column} to {@code ownerId} in every row, in place; returns the same list. */
    public static List<Map<String, Object>> apply(List<Map<String, Object>> rows, String column, Object ownerId) {
        for (Map<String, Object> row : rows) {
            if (!row.containsKey(column)) {
                throw new IllegalArgumentException("row has no owner column " + column);
            }
            row.put(column, ownerId);
        }
        return rows;
    }
}
