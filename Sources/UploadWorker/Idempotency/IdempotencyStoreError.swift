/// A failure of the idempotency store itself (not of an upload). The pipeline treats every one as
/// transient for the record at hand, and a store that cannot be opened as fatal at start-up.
public struct IdempotencyStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// The database cannot be opened or created (path, permissions, not a database).
        case cannotOpen = "cannot_open"
        /// The database was made by a newer version of the worker (its schema version is higher).
        case schemaTooNew = "schema_too_new"
        /// Another connection held the lock past the busy timeout.
        case busy
        /// A statement failed.
        case query
        /// A stored row could not be read back.
        case corrupt
        /// The store was closed.
        case closed
    }

    public var code: Code
    public var message: String
    /// SQLite's extended result code, when SQLite reported the failure.
    public var sqliteCode: Int32?

    public init(_ code: Code, _ message: String, sqliteCode: Int32? = nil) {
        self.code = code
        self.message = message
        self.sqliteCode = sqliteCode
    }

    /// Whether trying again later may succeed.
    public var isRetryable: Bool { code == .busy || code == .query }

    public var description: String { message }
}
