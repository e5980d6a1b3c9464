import CSQLite

/// One SQLite connection (`sqlite3*`) and its prepared statements, owned by this class: deinit
/// finalizes every statement and closes the connection. Not thread-safe and not Sendable: its
/// owner (`SQLiteIdempotencyStore`) uses it only on its serial queue, since every call may block
/// (disk I/O, the busy timeout). Opened with SQLITE_OPEN_NOMUTEX for that reason.
final class SQLiteDatabase {
    private var handle: OpaquePointer?
    /// Prepared once, reset after each use, finalized in `close()`.
    private var statements: [String: SQLiteStatement] = [:]
    let path: String

    init(path: String, busyTimeout: Duration) throws(IdempotencyStoreError) {
        self.path = path
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        // sqlite3_open_v2 allocates a handle even on failure; it must be closed either way.
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(db)
            throw IdempotencyStoreError(.cannotOpen, "cannot open the SQLite database at \(path): \(message)", sqliteCode: rc)
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
        let ms = busyTimeout.components.seconds * 1000 + busyTimeout.components.attoseconds / 1_000_000_000_000_000
        sqlite3_busy_timeout(db, Int32(clamping: ms))
    }

    deinit { close() }

    var isOpen: Bool { handle != nil }

    /// Finalizes every statement and closes the connection. Idempotent.
    func close() {
        for statement in statements.values { statement.finalize() }
        statements.removeAll()
        if let handle {
            sqlite3_close_v2(handle)
            self.handle = nil
        }
    }

    /// Runs SQL without results (DDL, pragmas whose result is not needed, transactions).
    func execute(_ sql: String) throws(IdempotencyStoreError) {
        let db = try openHandle()
        var error: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(db, sql, nil, nil, &error)
        if rc != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(db))
            sqlite3_free(error)
            throw IdempotencyStoreError(.query, "SQLite: \(message) (in: \(sql.prefix(60)))", sqliteCode: rc)
        }
    }

    /// The first column of the first row of a one-off query, as text (pragmas).
    func scalarText(_ sql: String) throws(IdempotencyStoreError) -> String? {
        let statement = try SQLiteStatement(database: openHandle(), sql: sql)
        defer { statement.finalize() }
        guard try statement.step() else { return nil }
        return statement.text(0)
    }

    /// A cached prepared statement, reset and with its bindings cleared.
    func statement(_ sql: String) throws(IdempotencyStoreError) -> SQLiteStatement {
        if let cached = statements[sql] {
            cached.reset()
            return cached
        }
        let statement = try SQLiteStatement(database: openHandle(), sql: sql)
        statements[sql] = statement
        return statement
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    var changes: Int { handle.map { Int(sqlite3_changes($0)) } ?? 0 }

    private func openHandle() throws(IdempotencyStoreError) -> OpaquePointer {
        guard let handle else { throw IdempotencyStoreError(.closed, "the idempotency store is closed") }
        return handle
    }
}
