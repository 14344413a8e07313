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
        .dataSource(config.jdbcUrl(), config.user(), config.password())
        .locations("classpath:db/migration")
        .load()
        .migrate();
    log.atInfo().addKeyValue("database", config.database()).addKeyValue("applied", result.migrationsExecuted)
        .addKeyValue("version", result.targetSchemaVersion).log("database schema is current");
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
    return DriverManager.getConnection(config.withDatabase("postgres").jdbcUrl(), config.user(), config.password());
  }
}
