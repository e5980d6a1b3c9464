/// Which idempotency store to use: the `IDEMPOTENCY_STORE` setting.
///
/// - `sqlite:<path>`: an SQLite database file (created when missing), in WAL mode. Relative
///   paths are relative to the working directory; `sqlite:///abs/path` means `/abs/path`.
///   Several workers on one host may share it.
/// - `memory`: a map in the process; forgotten on exit. For tests and demos only.
public enum StoreLocation: Sendable, Hashable, CustomStringConvertible {
    case sqlite(path: String)
    case memory

    /// The environment variable this setting is read from.
    public static let environmentVariable = "IDEMPOTENCY_STORE"

    /// Default: `sqlite:upload-worker.sqlite` (in the working directory).
    public static let `default` = StoreLocation.sqlite(path: "upload-worker.sqlite")

    /// Parses a setting such as `sqlite:/var/lib/upload-worker/idempotency.sqlite`.
    public init(parsing text: String) throws(StoreLocationError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "memory" || trimmed == "memory:" {
            self = .memory
            return
        }
        guard let colon = trimmed.firstIndex(of: ":") else {
            throw StoreLocationError(value: text, problem: "expected sqlite:<path> or memory")
        }
        let scheme = trimmed[..<colon].lowercased()
        let rest = String(trimmed[trimmed.index(after: colon)...])
        switch scheme {
        case "sqlite":
            var rest = rest
            if rest.hasPrefix("//") { rest.removeFirst(2) }  // sqlite:///abs/path as well as sqlite:/abs/path
            guard !rest.isEmpty else { throw StoreLocationError(value: text, problem: "the path after 'sqlite:' is empty") }
            guard !rest.contains("\0") else { throw StoreLocationError(value: text, problem: "the path contains a NUL character") }
            self = .sqlite(path: rest)
        case "postgres", "postgresql":
            throw StoreLocationError(value: text, problem: "PostgreSQL is not supported yet; use sqlite:<path>")
        default:
            throw StoreLocationError(value: text, problem: "unknown store '\(scheme)'; expected sqlite:<path> or memory")
        }
    }

    /// The setting's text form (what `init(parsing:)` reads).
    public var description: String {
        switch self {
        case .sqlite(let path): return "sqlite:" + path
        case .memory: return "memory"
        }
    }

    /// Opens (creating when needed) the store this location names.
    public func open(options: SQLiteIdempotencyStore.Options = .init()) async throws(IdempotencyStoreError) -> any IdempotencyStore {
        switch self {
        case .sqlite(let path): return try await SQLiteIdempotencyStore(path: path, options: options)
        case .memory: return InMemoryIdempotencyStore(now: options.now)
        }
    }
}

/// An `IDEMPOTENCY_STORE` value that cannot be used; its description names the variable.
public struct StoreLocationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var value: String
    public var problem: String

    public var description: String {
        "\(StoreLocation.environmentVariable)='\(value)' is invalid: \(problem)"
    }
}
