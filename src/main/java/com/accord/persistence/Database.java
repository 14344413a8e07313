package com.accord.persistence;

import com.accord.config.AccordConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares the database before any verticle runs: creates it when allowed and applies the
 * versioned migrations under {@code db/migration}. Blocking (JDBC); run off the event loop.
 */
public final class Database {
  private static final Logger log = LoggerFactory.getLogger(Database.class);

  private Database() {}

  public static void prepare(AccordConfig.Postgres config) {
    if (config.createDatabase()) {
      createIfMissing(config);
    }
    var result = Flyway.configure()
        .dataSource(config.jdbcUrl(), config.adminUser(), config.adminPassword())
        .locations("classpath:db/migration")
        .load()
        .migrate();
    grantApplicationRole(config);
    log.atInfo().addKeyValue("database", config.database()).addKeyValue("applied", result.migrationsExecuted)
        .addKeyValue("version", result.targetSchemaVersion).addKeyValue("role", config.user())
        .log("database schema is current");
  }

  /**
   * Accord runs as a role of its own that may read and write its tables but only insert into
   * and read audit_logs: with the append-only trigger, two independent guards on the trail.
   */
  static void grantApplicationRole(AccordConfig.Postgres config) {
    if (config.user().equals(config.adminUser())) {
      log.atWarn().addKeyValue("role", config.user())
          .log("Accord runs as its admin role: audit_logs is guarded by its trigger only, not by grants");
      return;
    }
    String role = "\"" + config.user() + "\"";
    try (Connection c = DriverManager.getConnection(config.jdbcUrl(), config.adminUser(), config.adminPassword());
        Statement s = c.createStatement()) {
      try {
        s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + config.user() + "') "
            + "THEN CREATE ROLE " + role + " LOGIN; END IF; END $$");
      } catch (SQLException e) {
        if (!"23505".equals(e.getSQLState()) && !"42710".equals(e.getSQLState())) { // created concurrently
          throw e;
        }
      }
      if (!config.password().isEmpty()) {
        s.execute("ALTER ROLE " + role + " LOGIN PASSWORD '" + config.password().replace("'", "''") + "'");
      }
      s.execute("GRANT CONNECT ON DATABASE \"" + config.database() + "\" TO " + role);
      s.execute("GRANT USAGE ON SCHEMA public TO " + role);
      s.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + role);
      s.execute("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO " + role);
      s.execute("REVOKE UPDATE, DELETE, TRUNCATE ON audit_logs FROM " + role);
      s.execute("REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON audit_chain_head FROM " + role);
      s.execute("REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON flyway_schema_history FROM " + role);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot grant role " + config.user() + " its rights on " + config.database()
          + ": " + e.getMessage(), e);
    }
  }

  public static void createIfMissing(AccordConfig.Postgres config) {
    try (Connection c = maintenance(config);
        PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      exists.setString(1, config.database());
      try (ResultSet rs = exists.executeQuery()) {
        if (rs.next()) {
          return;
        }
      }
      try (Statement create = c.createStatement()) {
        // the name is a validated plain identifier (AccordConfig), so quoting it is enough
        create.execute("CREATE DATABASE \"" + config.database() + "\"");
      }
      log.atInfo().addKeyValue("database", config.database()).log("database created");
    } catch (SQLException e) {
      if (!"42P04".equals(e.getSQLState())) { // created concurrently by another instance: fine
        throw new IllegalStateException("cannot create database " + config.database() + ": " + e.getMessage(), e);
      }
    }
  }

  public static void drop(AccordConfig.Postgres config) {
    try (Connection c = maintenance(config); Statement drop = c.createStatement()) {
      drop.execute("DROP DATABASE IF EXISTS \"" + config.database() + "\" WITH (FORCE)");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot drop database " + config.database() + ": " + e.getMessage(), e);
    }
  }

  private static Connection maintenance(AccordConfig.Postgres config) throws SQLException {
    return DriverManager.getConnection(config.withDatabase("postgres").jdbcUrl(), config.adminUser(), config.adminPassword());
  }
}
