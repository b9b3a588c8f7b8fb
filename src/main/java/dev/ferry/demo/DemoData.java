package dev.ferry.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** The book catalogue used by the demo and the tests: schema, generated production data, development users. */
public final class DemoData {

    /** Columns of book other than owner_id, for comparisons "equal but for the owner". */
    public static final String BOOK_COLUMNS_BUT_OWNER = "id, isbn10, isbn13, title, title_long, language, synopsis, image, "
            + "image_original, publisher, edition, page_count, date_published, subjects, authors, binding, visibility, "
            + "created_at, updated_at";

    private DemoData() {
    }

    /** Creates users and book. */
    public static void createSchema(Connection c) throws SQLException {
        try (InputStream in = DemoData.class.getResourceAsStream("/demo/schema.sql"); Statement s = c.createStatement()) {
            s.execute(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("demo schema missing from the jar", e);
        }
    }

    /** Production: {@code users} users and {@code books} books spread over them, with NULLs, arrays and unicode. */
    public static void fillProduction(Connection c, int users, int books) throws SQLException {
        try (PreparedStatement u = c.prepareStatement(
                "INSERT INTO users (clerk_id, email, name) SELECT 'user_prod_' || i, 'reader' || i || '@prod.example', "
                        + "'Reader ' || i FROM generate_series(1, ?) i");
             PreparedStatement b = c.prepareStatement(
                "INSERT INTO book (owner_id, isbn10, isbn13, title, title_long, language, synopsis, image, image_original, "
                        + "publisher, edition, page_count, date_published, subjects, authors, binding, visibility, "
                        + "created_at, updated_at) "
                        + "SELECT (SELECT min(id) FROM users) + i % ?, lpad(i::text, 10, '0'), '978' || lpad(i::text, 10, '0'), "
                        + "'Book ' || i, CASE WHEN i % 3 = 0 THEN 'The long title of book ' || i END, "
                        + "(ARRAY['en', 'fr', 'de', 'es'])[i % 4 + 1], "
                        + "'Synopsis of book ' || i || E' \\u2014 caf\\u00e9, \"quoted\", it''s\\tand a tab', "
                        + "'https://images.example/' || i || '.jpg', CASE WHEN i % 5 = 0 THEN NULL ELSE 'https://images.example/o/' || i END, "
                        + "'Publisher ' || i % 50, CASE WHEN i % 7 = 0 THEN '2nd' END, CASE WHEN i % 11 = 0 THEN NULL ELSE 80 + i % 900 END, "
                        + "(1950 + i % 70)::text, ARRAY['subject ' || i % 30, 'subject ' || i % 11], "
                        + "CASE WHEN i % 13 = 0 THEN '{}'::text[] ELSE ARRAY['Author ' || i % 500, 'Co-author, ' || i % 7] END, "
                        + "(ARRAY['Hardcover', 'Paperback', NULL])[i % 3 + 1], CASE WHEN i % 10 = 0 THEN 'PRIVATE' ELSE 'PUBLIC' END, "
                        + "timestamptz '2020-01-01 00:00:00+00' + i * interval '1 minute 7.123456 seconds', "
                        + "timestamptz '2024-06-01 12:00:00+00' + i * interval '1 second' "
                        + "FROM generate_series(1, ?) i")) {
            u.setInt(1, users);
            u.executeUpdate();
            b.setInt(1, users);
            b.setInt(2, books);
            b.executeUpdate();
        }
    }

    /** Development: its own users (alice and bob), no books. */
    public static void fillDevelopment(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("INSERT INTO users (clerk_id, email, name) VALUES ('user_dev_alice', 'alice@dev.example', 'Alice'), "
                    + "('user_dev_bob', 'bob@dev.example', 'Bob')");
        }
    }

    /** Count and checksum of book with every column but owner_id, for comparing across databases. */
    public static String fingerprintButOwner(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT count(*) || ':' || coalesce(sum(('x' || substr(md5(ROW(" + BOOK_COLUMNS_BUT_OWNER
                        + ")::text), 1, 16))::bit(64)::bigint::numeric), 0) FROM book")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** How many books are not owned by this user. */
    public static long booksNotOwnedBy(Connection c, Object ownerId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM book WHERE owner_id IS DISTINCT FROM ?")) {
            ps.setObject(1, ownerId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Opens a connection (autocommit on). */
    public static Connection connect(String url, String user, String password) throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }
}
