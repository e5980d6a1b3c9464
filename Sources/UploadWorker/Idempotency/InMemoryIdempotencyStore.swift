import CloudflareImages
import Foundation
import Synchronization

/// An idempotency store in a map, for tests of the pipeline and for demos: same rules as the
/// SQLite store, nothing survives the process.
public final class InMemoryIdempotencyStore: IdempotencyStore {
    private let entries = Mutex<[IdempotencyKey: StoredOutcome]>([:])
    private let closed = Atomic<Bool>(false)
    private let now: @Sendable () -> Date

    /// `now` is the clock for TTLs; tests pass a controllable one.
    public init(now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
    }

    public func lookup(_ key: IdempotencyKey) async throws(IdempotencyStoreError) -> StoredOutcome? {
        try checkOpen()
        let now = now()
        return entries.withLock { entries in
            guard let entry = entries[key] else { return nil }
            if entry.isExpired(at: now) {
                entries[key] = nil
                return nil
            }
            return entry
        }
    }

    public func recordSuccess(_ key: IdempotencyKey, sourceURL: String, image: Image, ttl: Duration?) async throws(IdempotencyStoreError) {
        try checkOpen()
        let now = now()
        let entry = StoredOutcome(outcome: .success(image), sourceURL: sourceURL, recordedAt: now, expiresAt: ttl.map { StoredOutcome.expiry(after: $0, from: now) })
        entries.withLock { entries in
            if let existing = entries[key], existing.image != nil, !existing.isExpired(at: now) { return }
            entries[key] = entry
        }
    }

    public func recordPermanentFailure(_ key: IdempotencyKey, sourceURL: String, failure: UploadFailure, ttl: Duration) async throws(IdempotencyStoreError) {
        try checkOpen()
        let now = now()
        let entry = StoredOutcome(outcome: .permanentFailure(failure), sourceURL: sourceURL, recordedAt: now, expiresAt: StoredOutcome.expiry(after: ttl, from: now))
        entries.withLock { entries in
            if let existing = entries[key], existing.image != nil, !existing.isExpired(at: now) { return }
            entries[key] = entry
        }
    }

    public func purgeExpired() async throws(IdempotencyStoreError) -> Int {
        try checkOpen()
        let now = now()
        return entries.withLock { entries in
            let expired = entries.filter { $0.value.isExpired(at: now) }.map(\.key)
            for key in expired { entries[key] = nil }
            return expired.count
        }
    }

    public func close() async {
        closed.store(true, ordering: .releasing)
    }

    /// Entries held, expired ones included (for tests).
    public var count: Int { entries.withLock { $0.count } }

    private func checkOpen() throws(IdempotencyStoreError) {
        if closed.load(ordering: .acquiring) { throw IdempotencyStoreError(.closed, "the idempotency store is closed") }
    }
}
