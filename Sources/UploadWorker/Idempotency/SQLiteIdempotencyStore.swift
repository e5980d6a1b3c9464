import CloudflareImages
import Dispatch
import Foundation
import Synchronization

/// The embedded idempotency store: an SQLite database file in WAL mode (`IDEMPOTENCY_STORE=
/// sqlite:<path>`). Every SQLite call runs on one serial DispatchQueue owned by the store and is
/// bridged to async callers with a continuation, so a slow disk or a lock held by another worker
/// (the busy timeout) never blocks Swift's cooperative threads. Entries already read or written
/// by this process are answered from a bounded in-memory cache without leaving the caller's
/// thread.
///
/// Schema (version 1, in `PRAGMA user_version`): one row per key in `idempotency`, with the
/// outcome (`success` or `permanent_failure`), the redacted source URL, the image ID, the payload
/// (JSON), and the recorded and expiry times in Unix milliseconds.
public final class SQLiteIdempotencyStore: IdempotencyStore, @unchecked Sendable {
    // @unchecked Sendable: `database` is touched only on `queue` (a serial queue); the cache is
    // behind a Mutex; everything else is immutable.

    public struct Options: Sendable {
        /// How long a statement waits for another connection's lock before failing with `.busy`.
        /// Default: 5 seconds.
        public var busyTimeout: Duration
        /// SQLite's `synchronous` setting. `.normal` (the default) does not fsync each commit in
        /// WAL mode: a process crash loses nothing, a power loss may lose the last commits.
        /// `.full` fsyncs every commit.
        public var synchronous: Synchronous
        /// Outcomes kept in memory in front of the database. Default: 10,000 (about 5 MB).
        public var cacheCapacity: Int
        /// The clock for TTLs. Default: the system clock.
        public var now: @Sendable () -> Date

        public enum Synchronous: String, Sendable { case normal = "NORMAL", full = "FULL" }

        public init(busyTimeout: Duration = .seconds(5), synchronous: Synchronous = .normal, cacheCapacity: Int = 10_000, now: @escaping @Sendable () -> Date = { Date() }) {
            self.busyTimeout = busyTimeout
            self.synchronous = synchronous
            self.cacheCapacity = cacheCapacity
            self.now = now
        }
    }

    /// The schema version this code writes and reads.
    public static let schemaVersion = 1

    public let path: String
    private let options: Options
    private let queue: DispatchQueue
    /// Only on `queue`.
    private var database: SQLiteDatabase?
    private let cache: Mutex<OutcomeCache>

    /// Opens the database at `path`, creating it and its schema when missing.
    public init(path: String, options: Options = .init()) async throws(IdempotencyStoreError) {
        self.path = path
        self.options = options
        self.queue = DispatchQueue(label: "upload-worker.idempotency.sqlite")
        self.cache = Mutex(OutcomeCache(capacity: options.cacheCapacity))
        let opened: Result<Void, IdempotencyStoreError> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: Result { () throws(IdempotencyStoreError) in
                    self.database = try SQLiteIdempotencyStore.openDatabase(path: path, options: options)
                })
            }
        }
        try opened.get()
    }

    deinit {
        // The last reference is gone, so nothing else can be on the queue using the database.
        database?.close()
    }

    public func lookup(_ key: IdempotencyKey) async throws(IdempotencyStoreError) -> StoredOutcome? {
        let now = options.now()
        let cached: StoredOutcome?? = cache.withLock { cache in
            guard let entry = cache[key] else { return .none }
            if entry.isExpired(at: now) {
                cache.remove(key)
                return .none
            }
            return .some(entry)
        }
        if case .some(let entry) = cached { return entry }

        let found = try await onQueue { (db) throws(IdempotencyStoreError) -> StoredOutcome? in
            let select = try db.statement("SELECT outcome, source_url, payload, recorded_at_ms, expires_at_ms FROM idempotency WHERE key = ?1")
            try select.bind([.text(key.hex)])
            guard try select.step() else { return nil }
            let entry = try SQLiteIdempotencyStore.row(select)
            select.reset()
            if entry.isExpired(at: now) {
                let delete = try db.statement("DELETE FROM idempotency WHERE key = ?1 AND expires_at_ms <= ?2")
                try delete.bind([.text(key.hex), .integer(Self.milliseconds(now))])
                try delete.step()
                return nil
            }
            return entry
        }
        if let found {
            cache.withLock { $0.insert(found, for: key) }
        }
        return found
    }

    public func recordSuccess(_ key: IdempotencyKey, sourceURL: String, image: Image, ttl: Duration?) async throws(IdempotencyStoreError) {
        let now = options.now()
        let entry = StoredOutcome(outcome: .success(image), sourceURL: sourceURL, recordedAt: now, expiresAt: ttl.map { StoredOutcome.expiry(after: $0, from: now) })
        try await write(key, entry, imageID: image.id, payload: StoreCoding.encode(image), now: now)
    }

    public func recordPermanentFailure(_ key: IdempotencyKey, sourceURL: String, failure: UploadFailure, ttl: Duration) async throws(IdempotencyStoreError) {
        let now = options.now()
        let entry = StoredOutcome(outcome: .permanentFailure(failure), sourceURL: sourceURL, recordedAt: now, expiresAt: StoredOutcome.expiry(after: ttl, from: now))
        try await write(key, entry, imageID: nil, payload: StoreCoding.encode(failure), now: now)
    }

    public func purgeExpired() async throws(IdempotencyStoreError) -> Int {
        let now = options.now()
        cache.withLock { $0.removeAll() }
        return try await onQueue { (db) throws(IdempotencyStoreError) -> Int in
            let delete = try db.statement("DELETE FROM idempotency WHERE expires_at_ms IS NOT NULL AND expires_at_ms <= ?1")
            try delete.bind([.integer(Self.milliseconds(now))])
            try delete.step()
            return db.changes
        }
    }

    public func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                self.database?.close()
                self.database = nil
                continuation.resume()
            }
        }
        cache.withLock { $0.removeAll() }
    }

    /// SQLite's journal mode as the database reports it (`wal` once open).
    public func journalMode() async throws(IdempotencyStoreError) -> String {
        try await onQueue { (db) throws(IdempotencyStoreError) -> String in try db.scalarText("PRAGMA journal_mode") ?? "" }
    }

    /// Rows in the table, expired ones included.
    public func count() async throws(IdempotencyStoreError) -> Int {
        try await onQueue { (db) throws(IdempotencyStoreError) -> Int in Int(try db.scalarText("SELECT count(*) FROM idempotency") ?? "0") ?? 0 }
    }

    /// Looks up every key in one trip to the queue, and returns how many were found: the cost of
    /// SQLite and decoding without the thread hops (for the benchmark in Tests/UploadWorkerTests/Support).
    func lookupAllOnQueue(_ keys: [IdempotencyKey]) async throws(IdempotencyStoreError) -> Int {
        try await onQueue { (db) throws(IdempotencyStoreError) -> Int in
            var found = 0
            for key in keys {
                let select = try db.statement("SELECT outcome, source_url, payload, recorded_at_ms, expires_at_ms FROM idempotency WHERE key = ?1")
                try select.bind([.text(key.hex)])
                if try select.step() {
                    found += try SQLiteIdempotencyStore.row(select).image == nil ? 0 : 1
                }
                select.reset()
            }
            return found
        }
    }

    // MARK: - On the queue

    /// Inserts the entry unless a live success holds the key (a success is never replaced).
    private func write(_ key: IdempotencyKey, _ entry: StoredOutcome, imageID: String?, payload: String, now: Date) async throws(IdempotencyStoreError) {
        let kept = try await onQueue { (db) throws(IdempotencyStoreError) -> Bool in
            let upsert = try db.statement("""
                INSERT INTO idempotency (key, outcome, source_url, image_id, payload, recorded_at_ms, expires_at_ms)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                ON CONFLICT (key) DO UPDATE SET
                    outcome = excluded.outcome, source_url = excluded.source_url, image_id = excluded.image_id,
                    payload = excluded.payload, recorded_at_ms = excluded.recorded_at_ms, expires_at_ms = excluded.expires_at_ms
                WHERE idempotency.outcome <> 'success'
                   OR (idempotency.expires_at_ms IS NOT NULL AND idempotency.expires_at_ms <= ?6)
                """)
            try upsert.bind([
                .text(key.hex), .text(entry.image != nil ? "success" : "permanent_failure"), .text(entry.sourceURL),
                imageID.map { .text($0) }, .text(payload), .integer(Self.milliseconds(now)),
                entry.expiresAt.map { .integer(Self.milliseconds($0)) },
            ])
            try upsert.step()
            return db.changes > 0
        }
        // When a live success won, the cache learns it at the next lookup.
        cache.withLock { cache in
            if kept { cache.insert(entry, for: key) } else { cache.remove(key) }
        }
    }

    private func onQueue<T: Sendable>(_ body: @escaping @Sendable (SQLiteDatabase) throws(IdempotencyStoreError) -> T) async throws(IdempotencyStoreError) -> T {
        let result: Result<T, IdempotencyStoreError> = await withCheckedContinuation { continuation in
            queue.async {
                guard let database = self.database, database.isOpen else {
                    continuation.resume(returning: .failure(IdempotencyStoreError(.closed, "the idempotency store is closed")))
                    return
                }
                continuation.resume(returning: Result { () throws(IdempotencyStoreError) in try body(database) })
            }
        }
        return try result.get()
    }

    private static func row(_ statement: SQLiteStatement) throws(IdempotencyStoreError) -> StoredOutcome {
        guard let kind = statement.text(0), let sourceURL = statement.text(1), let payload = statement.bytes(2),
              let recorded = statement.integer(3)
        else { throw IdempotencyStoreError(.corrupt, "idempotency store: a row has NULL columns") }
        let outcome: StoredOutcome.Outcome
        switch kind {
        case "success": outcome = .success(try StoreCoding.decodeImage(payload))
        case "permanent_failure": outcome = .permanentFailure(try StoreCoding.decodeFailure(payload))
        default: throw IdempotencyStoreError(.corrupt, "idempotency store: unknown outcome '\(kind)'")
        }
        return StoredOutcome(outcome: outcome, sourceURL: sourceURL, recordedAt: date(recorded), expiresAt: statement.integer(4).map(date))
    }

    private static func openDatabase(path: String, options: Options) throws(IdempotencyStoreError) -> SQLiteDatabase {
        let db = try SQLiteDatabase(path: path, busyTimeout: options.busyTimeout)
        let mode = try db.scalarText("PRAGMA journal_mode = WAL")
        guard mode?.lowercased() == "wal" else {
            throw IdempotencyStoreError(.cannotOpen, "cannot put the SQLite database at \(path) in WAL mode (journal mode is \(mode ?? "unknown"))")
        }
        try db.execute("PRAGMA synchronous = \(options.synchronous.rawValue)")
        try db.execute("BEGIN IMMEDIATE")
        do throws(IdempotencyStoreError) {
            let version = Int(try db.scalarText("PRAGMA user_version") ?? "0") ?? 0
            if version > schemaVersion {
                throw IdempotencyStoreError(.schemaTooNew, "the idempotency store at \(path) has schema version \(version); this worker knows version \(schemaVersion) at most")
            }
            if version < 1 {
                try db.execute("""
                    CREATE TABLE IF NOT EXISTS idempotency (
                        key TEXT PRIMARY KEY NOT NULL,
                        outcome TEXT NOT NULL CHECK (outcome IN ('success', 'permanent_failure')),
                        source_url TEXT NOT NULL,
                        image_id TEXT,
                        payload TEXT NOT NULL,
                        recorded_at_ms INTEGER NOT NULL,
                        expires_at_ms INTEGER
                    ) WITHOUT ROWID;
                    CREATE INDEX IF NOT EXISTS idempotency_expiry ON idempotency (expires_at_ms) WHERE expires_at_ms IS NOT NULL;
                    PRAGMA user_version = 1;
                    """)
            }
            try db.execute("COMMIT")
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
        return db
    }

    private static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    private static func date(_ milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: TimeInterval(milliseconds) / 1000)
    }
}
