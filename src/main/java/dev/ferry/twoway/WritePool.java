package dev.ferry.twoway;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.log.Redactor;

/**
 * The first database's writable pool, used only by the two-way apply: the read pool's URL and settings
 * without its read-only mode, logged in as {@code FERRY_SOURCE_WRITE_USER} / {@code _PASSWORD} when set, else
 * as the read pool's user. Reads keep the read-only pool and its write probe.
 */
public final class WritePool {

    private WritePool() {
    }

    /** A small writable pool beside {@code read}; the caller closes it. */
    public static HikariDataSource beside(HikariDataSource read, String user, String password) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("ferry-source-write");
        config.setJdbcUrl(read.getJdbcUrl());
        boolean ownLogin = user != null && !user.isBlank();
        config.setUsername(ownLogin ? user.trim() : read.getUsername());
        String pw = ownLogin ? (password == null ? "" : password) : read.getPassword();
        Redactor.registerSecret(pw);
        config.setPassword(pw);
        config.setMaximumPoolSize(2);
        config.setInitializationFailTimeout(-1);
        config.setConnectionTimeout(10_000);
        read.getDataSourceProperties().forEach((k, v) -> {
            if (!"readOnlyMode".equals(k)) {
                config.addDataSourceProperty(String.valueOf(k), v);
            }
        });
        config.addDataSourceProperty("ApplicationName", "ferry");
        config.addDataSourceProperty("logServerErrorDetail", "false");
        return new HikariDataSource(config);
    }
}
