package shop.system;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import shop.testing.TestDatabases.TestDatabase;

/**
 * A service's database read (or changed) straight, as its owner, behind the service's back: what
 * a test checks the services' own records with, or changes as the services' jobs would.
 */
final class Sql {

    private Sql() {
    }

    /** Every row the query finds, each column as text (null stays null). */
    static List<String[]> rows(TestDatabase database, String sql, Object... parameters) {
        return run(database, sql, parameters, statement -> {
            List<String[]> rows = new ArrayList<>();
            try (ResultSet found = statement.executeQuery()) {
                int columns = found.getMetaData().getColumnCount();
                while (found.next()) {
                    String[] row = new String[columns];
                    for (int i = 0; i < columns; i++) {
                        row[i] = found.getString(i + 1);
                    }
                    rows.add(row);
                }
            }
            return rows;
        });
    }

    /** The first column of every row the query finds. */
    static List<String> column(TestDatabase database, String sql, Object... parameters) {
        return rows(database, sql, parameters).stream().map(row -> row[0]).toList();
    }

    static long count(TestDatabase database, String sql, Object... parameters) {
        return Long.parseLong(column(database, sql, parameters).get(0));
    }

    /** @return how many rows the statement changed */
    static int update(TestDatabase database, String sql, Object... parameters) {
        return run(database, sql, parameters, PreparedStatement::executeUpdate);
    }

    private interface Work<T> {
        T run(PreparedStatement statement) throws SQLException;
    }

    private static <T> T run(TestDatabase database, String sql, Object[] parameters, Work<T> work) {
        try (Connection connection = DriverManager.getConnection(database.jdbcUrl(), database.username(),
                database.password()); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            return work.run(statement);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
