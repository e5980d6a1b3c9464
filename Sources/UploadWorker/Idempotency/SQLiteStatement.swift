import CSQLite

/// A prepared statement (`sqlite3_stmt*`). Finalized by `finalize()` (its database does that for
/// cached statements when it closes) or, as a safety net, by deinit. Same thread rules as
/// `SQLiteDatabase`.
final class SQLiteStatement {
    private var handle: OpaquePointer?
    private let database: OpaquePointer

    /// SQLITE_TRANSIENT: SQLite copies bound text before the bind call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(database: OpaquePointer, sql: String) throws(IdempotencyStoreError) {
        self.database = database
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v3(database, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else {
            throw IdempotencyStoreError(.query, "SQLite cannot prepare '\(sql.prefix(60))': \(String(cString: sqlite3_errmsg(database)))", sqliteCode: rc)
        }
        handle = statement
    }

    deinit { finalize() }

    func finalize() {
        if let handle {
            sqlite3_finalize(handle)
            self.handle = nil
        }
    }

    func reset() {
        guard let handle else { return }
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// Binds parameters 1... in order; nil binds NULL.
    func bind(_ values: [SQLiteValue?]) throws(IdempotencyStoreError) {
        guard let handle else { throw IdempotencyStoreError(.closed, "statement already finalized") }
        for (i, value) in values.enumerated() {
            let index = Int32(i + 1)
            let rc: Int32
            switch value {
            case nil: rc = sqlite3_bind_null(handle, index)
            case .integer(let n)?: rc = sqlite3_bind_int64(handle, index, n)
            case .text(let s)?: rc = sqlite3_bind_text(handle, index, s, -1, Self.transient)
            }
            if rc != SQLITE_OK { throw error(rc, "bind") }
        }
    }

    /// Steps once: true when a row is available, false when done.
    @discardableResult
    func step() throws(IdempotencyStoreError) -> Bool {
        guard let handle else { throw IdempotencyStoreError(.closed, "statement already finalized") }
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let failure = error(rc, "step")
            sqlite3_reset(handle)
            throw failure
        }
    }

    func text(_ column: Int32) -> String? {
        guard let handle, sqlite3_column_type(handle, column) != SQLITE_NULL, let text = sqlite3_column_text(handle, column) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeRawBufferPointer(start: text, count: count), as: UTF8.self)
    }

    /// The column's bytes (text columns), without making a String.
    func bytes(_ column: Int32) -> [UInt8]? {
        guard let handle, sqlite3_column_type(handle, column) != SQLITE_NULL, let text = sqlite3_column_text(handle, column) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, column))
        return Array(UnsafeRawBufferPointer(start: text, count: count))
    }

    func integer(_ column: Int32) -> Int64? {
        guard let handle, sqlite3_column_type(handle, column) != SQLITE_NULL else { return nil }
        return sqlite3_column_int64(handle, column)
    }

    private func error(_ rc: Int32, _ what: String) -> IdempotencyStoreError {
        let code: IdempotencyStoreError.Code = (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED ? .busy : .query
        return IdempotencyStoreError(code, "SQLite \(what) failed: \(String(cString: sqlite3_errmsg(database)))", sqliteCode: rc)
    }
}

/// A value bound to a statement parameter.
enum SQLiteValue {
    case integer(Int64)
    case text(String)
}
