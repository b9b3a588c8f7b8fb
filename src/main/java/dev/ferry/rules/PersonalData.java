package dev.ferry.rules;

import dev.ferry.db.Jdbc;
import dev.ferry.schema.Column;
import dev.ferry.schema.TableInfo;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import dev.ferry.db.Sql;

/**
 * Suggests data rules for the columns of a table that look personal, by name (email, phone, name,
 * address, ip, national ids, cards) or by a sample of their values (e-mail addresses, phone numbers,
 * IP addresses). Suggestions to review, written by {@code ferry scaffold --rules}.
 */
public final class PersonalData {

    private static final Pattern EMAIL_VALUE = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    private static final Pattern PHONE_VALUE = Pattern.compile("^\\+?[0-9][0-9 ().-]{6,}$");
    /** Tables whose plain "name" column names a person. */
    private static final Pattern PERSON_TABLE = Pattern.compile(
            "(user|customer|employee|person|people|member|contact|staff|client|patient|student|account|author)");
    private static final Pattern IP_VALUE = Pattern.compile("^\\d{1,3}(\\.\\d{1,3}){3}(/\\d+)?$");

    private PersonalData() {
    }

    /** Column name to suggested rule, for the columns that look personal. */
    public static Map<String, String> suggest(DataSource source, TableInfo table) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> key = table.suggestedKey();
        for (Column c : table.columns()) {
            if (key.contains(c.name()) || c.generated()) {
                continue;
            }
            boolean unique = table.uniqueKeys().stream().anyMatch(k -> k.contains(c.name()));
            String byName = byName(c.name().toLowerCase(Locale.ROOT), c.type(), key,
                    PERSON_TABLE.matcher(table.name().toLowerCase(Locale.ROOT)).find());
            String rule = byName != null ? byName : byValues(source, table, c);
            if (rule == null) {
                continue;
            }
            if (unique && !rule.equals("email") && !rule.equals("hash")) {
                rule = "hash"; // the other rules may give two rows the same value
            }
            out.put(c.name(), rule);
        }
        return out;
    }

    private static String byName(String n, String type, List<String> key, boolean personTable) {
        if (n.contains("email") || n.contains("e_mail")) {
            return "email";
        }
        if (n.contains("phone") || n.contains("mobile") || n.equals("fax") || n.endsWith("_fax") || n.startsWith("tel")) {
            return "phone";
        }
        if (n.matches("(first_?name|given_?name|forename)")) {
            return "firstName";
        }
        if (n.matches("(last_?name|surname|family_?name)")) {
            return "lastName";
        }
        if (n.matches("(full_?name|display_?name|contact_?name)") || (n.equals("name") && personTable)) {
            return "name";
        }
        if (n.contains("address") || n.contains("street") || n.equals("addr")) {
            return n.contains("ip") || type.equals("inet") ? "constant(192.0.2.1)"
                    : key.size() == 1 ? "template({" + key.get(0) + "} Example Street)" : "constant(1 Example Street)";
        }
        if (type.equals("inet") || n.equals("ip") || n.endsWith("_ip")) {
            return "constant(192.0.2.1)";
        }
        if (n.matches(".*(ssn|social_security|tax_id|passport|iban|card_number|national_id).*")) {
            return "hash";
        }
        if (n.matches(".*(birth|dob).*")) {
            return "null";
        }
        return null;
    }

    private static String byValues(DataSource source, TableInfo table, Column c) throws SQLException {
        if (!(c.type().startsWith("text") || c.type().startsWith("character") || c.type().equals("citext"))) {
            return null;
        }
        List<String> sample = Jdbc.read(source, conn -> Jdbc.list(conn, "SELECT " + Sql.ident(c.name()) + "::text FROM "
                + table.rows() + " WHERE " + Sql.ident(c.name()) + " IS NOT NULL LIMIT 50", rs -> rs.getString(1).trim()));
        if (sample.isEmpty()) {
            return null;
        }
        if (share(sample, EMAIL_VALUE) > 0.8) {
            return "email";
        }
        if (share(sample, PHONE_VALUE) > 0.8) {
            return "phone";
        }
        if (share(sample, IP_VALUE) > 0.8) {
            return "constant(192.0.2.1)";
        }
        return null;
    }

    private static double share(List<String> values, Pattern p) {
        return values.stream().filter(v -> p.matcher(v).matches()).count() / (double) values.size();
    }
}
