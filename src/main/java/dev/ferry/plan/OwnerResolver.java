package dev.ferry.plan;

import dev.ferry.db.Jdbc;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import dev.ferry.db.Sql;
import dev.ferry.schema.SchemaIntrospector;
import dev.ferry.schema.TableInfo;

/** Finds the development user that owner columns point to, in the target's users table. */
public final class OwnerResolver {

    /** A user of the target. */
    public record User(Object id, String email, String name) {
        @Override
        public String toString() {
            return "id " + id + "  " + email + (name != null ? "  " + name : "");
        }
    }

    private final DataSource target;
    private final TableInfo users;
    private final String table;
    private final String idColumn;
    private final String emailColumn;
    private final boolean hasName;

    private OwnerResolver(DataSource target, TableInfo users, String idColumn, String emailColumn, boolean hasName) {
        this.target = target;
        this.users = users;
        this.table = Sql.qualified(users.schema(), users.name());
        this.idColumn = idColumn;
        this.emailColumn = emailColumn;
        this.hasName = hasName;
    }

    /**
     * The users table is the one the owner column's foreign key points to in the target (else
     * {@code users}); its id is the referenced column (else {@code id}).
     */
    public static OwnerResolver forOwnerColumn(DataSource target, String table, String ownerColumn, String emailColumn)
            throws SQLException, PlanException {
        SchemaIntrospector catalogue = new SchemaIntrospector(target);
        String users = catalogue.referencedTable(table, ownerColumn).orElse("users");
        TableInfo info = catalogue.table(users).orElseThrow(() -> new PlanException(
                "the target has no users table for " + table + "." + ownerColumn + ": add a foreign key from "
                        + table + "." + ownerColumn + " to the users table"));
        String id = info.primaryKey().size() == 1 ? info.primaryKey().get(0) : "id";
        if (info.column(emailColumn).isEmpty()) {
            throw new PlanException("users table " + info.displayName() + " has no column " + emailColumn
                    + ": set ferry.owner.email-column");
        }
        return new OwnerResolver(target, info, id, emailColumn, info.column("name").isPresent());
    }

    /** The users table. */
    public TableInfo users() {
        return users;
    }

    /** Its id column, which owner columns hold. */
    public String idColumn() {
        return idColumn;
    }

    /** The column an owner email is matched in. */
    public String emailColumn() {
        return emailColumn;
    }

    /** The user with this id, if any. */
    public Optional<User> byId(String id) throws SQLException {
        return one("WHERE " + Sql.ident(idColumn) + "::text = ?", id);
    }

    /** The user with this email (case-insensitive), if any. */
    public Optional<User> byEmail(String email) throws SQLException {
        return one("WHERE lower(" + Sql.ident(emailColumn) + ") = lower(?)", email);
    }

    /** Up to {@code limit} users, by id. */
    public List<User> list(int limit) throws SQLException {
        return query("ORDER BY " + Sql.ident(idColumn) + " LIMIT " + limit, null);
    }

    private Optional<User> one(String where, String value) throws SQLException {
        List<User> users = query(where, value);
        return users.isEmpty() ? Optional.empty() : Optional.of(users.get(0));
    }

    private List<User> query(String tail, String value) throws SQLException {
        String sql = "SELECT " + Sql.ident(idColumn) + ", " + Sql.ident(emailColumn) + ", "
                + (hasName ? Sql.ident("name") : "NULL") + " FROM " + table + " " + tail;
        return Jdbc.with(target, c -> Jdbc.list(c, sql, rs -> new User(rs.getObject(1), rs.getString(2), rs.getString(3)),
                Jdbc.ifPresent(value)));
    }
}
