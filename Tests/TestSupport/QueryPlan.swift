// SQLite's plan for a statement, to pin that a per-alert query seeks an index instead of walking a table.
import GRDB

public enum QueryPlan {
    /// The `detail` lines of `EXPLAIN QUERY PLAN`, every parameter bound to NULL (the plan does not depend on them).
    public static func details(_ db: Database, _ sql: String) throws -> [String] {
        let parameters = sql.filter { $0 == "?" }.count
        return try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql,
                                arguments: StatementArguments(Array(repeating: DatabaseValue.null, count: parameters))).map { $0["detail"] }
    }

    /// The steps whose cost grows with a table: a scan (of the table or of a whole index) or a sort in a temporary b-tree.
    public static func growingSteps(_ db: Database, _ sql: String) throws -> [String] {
        try details(db, sql).filter { $0.hasPrefix("SCAN") || $0.contains("TEMP B-TREE") }
    }
}
