import CloudflareImages
import Foundation
import Testing
@testable import UploadWorker

/// The rules every IdempotencyStore keeps, checked on the SQLite store (with and without its
/// cache) and on the in-memory one.
@Suite("Idempotency store rules")
struct IdempotencyStoreTests {
    enum Kind: String, CaseIterable, Sendable {
        case sqlite, sqliteWithoutCache, memory
    }

    /// A store of `kind` in a fresh directory, driven by `clock`.
    struct Fixture {
        let store: any IdempotencyStore
        let directory: StoreTestDirectory

        init(_ kind: Kind, clock: TestClock, name: String = #function) async throws {
            directory = try StoreTestDirectory(name + kind.rawValue)
            switch kind {
            case .sqlite:
                store = try await SQLiteIdempotencyStore(path: directory.path("store.sqlite"), options: .init(now: clock.function))
            case .sqliteWithoutCache:
                store = try await SQLiteIdempotencyStore(path: directory.path("store.sqlite"), options: .init(cacheCapacity: 0, now: clock.function))
            case .memory:
                store = InMemoryIdempotencyStore(now: clock.function)
            }
        }

        func close() async {
            await store.close()
            directory.remove()
        }
    }

    static func key(_ n: Int) -> IdempotencyKey { IdempotencyKey(normalizedURL: "https://example.com/\(n).png") }

    /// Runs `body` with a fresh store of `kind`, and closes and removes it whatever happens.
    func withStore(_ kind: Kind, name: String = #function, _ body: (any IdempotencyStore, TestClock) async throws -> Void) async throws {
        let clock = TestClock()
        let fixture = try await Fixture(kind, clock: clock, name: name)
        do {
            try await body(fixture.store, clock)
        } catch {
            await fixture.close()
            throw error
        }
        await fixture.close()
    }

    @Test("an unknown key has no outcome; a recorded success is returned whole", arguments: Kind.allCases)
    func success(_ kind: Kind) async throws {
        try await withStore(kind) { store, clock in
            #expect(try await store.lookup(Self.key(1)) == nil)

            let image = EventFixtures.image()
            try await store.recordSuccess(Self.key(1), sourceURL: "https://example.com/1.png", image: image)
            let found = try #require(try await store.lookup(Self.key(1)))
            #expect(found.image == image)
            #expect(found.failure == nil)
            #expect(found.sourceURL == "https://example.com/1.png")
            #expect(found.expiresAt == nil)
            #expect(abs(found.recordedAt.timeIntervalSince(clock.now)) < 0.002)
            #expect(try await store.lookup(Self.key(2)) == nil)
        }
    }

    @Test("a success expires after its TTL and is then deleted", arguments: Kind.allCases)
    func successTTL(_ kind: Kind) async throws {
        try await withStore(kind) { store, clock in
            try await store.recordSuccess(Self.key(1), sourceURL: "u", image: EventFixtures.image(), ttl: .seconds(60))
            clock.advance(by: 59)
            #expect(try await store.lookup(Self.key(1))?.image != nil)
            clock.advance(by: 1)
            #expect(try await store.lookup(Self.key(1)) == nil)
            if let sqlite = store as? SQLiteIdempotencyStore {
                #expect(try await sqlite.count() == 0, "the expired row was deleted by the lookup")
            }
            // Once expired, a new upload may be recorded.
            let newer = EventFixtures.image(id: "newer")
            try await store.recordSuccess(Self.key(1), sourceURL: "u", image: newer)
            #expect(try await store.lookup(Self.key(1))?.image == newer)
        }
    }

    @Test("a permanent failure is kept for the negative TTL only", arguments: Kind.allCases)
    func negativeTTL(_ kind: Kind) async throws {
        try await withStore(kind) { store, clock in
            let failure = UploadFailure(kind: .sourceRejected, message: "not an image", httpStatus: 415,
                                        cloudflareErrors: [APIMessage(code: 5455, message: "bad type")], reason: nil, field: nil)
            try await store.recordPermanentFailure(Self.key(7), sourceURL: "https://example.com/7.png", failure: failure, ttl: .seconds(300))
            let found = try #require(try await store.lookup(Self.key(7)))
            #expect(found.failure == failure)
            #expect(found.image == nil)
            #expect(found.expiresAt.map { abs($0.timeIntervalSince(clock.now) - 300) < 0.002 } == true)
            clock.advance(by: 301)
            #expect(try await store.lookup(Self.key(7)) == nil)
        }
    }

    @Test("a live success is never replaced; a failure is", arguments: Kind.allCases)
    func replacementRules(_ kind: Kind) async throws {
        try await withStore(kind) { store, clock in
            let first = EventFixtures.image(id: "first")
            try await store.recordSuccess(Self.key(1), sourceURL: "u", image: first)
            try await store.recordSuccess(Self.key(1), sourceURL: "u", image: EventFixtures.image(id: "second"))
            try await store.recordPermanentFailure(Self.key(1), sourceURL: "u", failure: UploadFailure(kind: .notFound, message: "gone"), ttl: .seconds(60))
            #expect(try await store.lookup(Self.key(1))?.image == first)

            try await store.recordPermanentFailure(Self.key(2), sourceURL: "u", failure: UploadFailure(kind: .sourceRejected, message: "a"), ttl: .seconds(60))
            try await store.recordPermanentFailure(Self.key(2), sourceURL: "u", failure: UploadFailure(kind: .sourceRejected, message: "b"), ttl: .seconds(60))
            #expect(try await store.lookup(Self.key(2))?.failure?.message == "b")
            try await store.recordSuccess(Self.key(2), sourceURL: "u", image: first)
            #expect(try await store.lookup(Self.key(2))?.image == first)
        }
    }

    @Test("purgeExpired deletes only expired entries", arguments: Kind.allCases)
    func purge(_ kind: Kind) async throws {
        try await withStore(kind) { store, clock in
            try await store.recordSuccess(Self.key(1), sourceURL: "u", image: EventFixtures.image(), ttl: .seconds(10))
            try await store.recordSuccess(Self.key(2), sourceURL: "u", image: EventFixtures.image())
            try await store.recordPermanentFailure(Self.key(3), sourceURL: "u", failure: UploadFailure(kind: .sourceRejected, message: "x"), ttl: .seconds(10))
            clock.advance(by: 11)
            #expect(try await store.purgeExpired() == 2)
            #expect(try await store.lookup(Self.key(2))?.image != nil)
            #expect(try await store.purgeExpired() == 0)
        }
    }

    @Test("concurrent lookups and writes", arguments: Kind.allCases)
    func concurrency(_ kind: Kind) async throws {
        try await withStore(kind) { store, clock in
            for n in 0..<50 where n % 2 == 0 {
                try await store.recordSuccess(Self.key(n), sourceURL: "u\(n)", image: EventFixtures.image(id: "img-\(n)"))
            }
            let results = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for round in 0..<8 {
                    for n in 0..<50 {
                        group.addTask {
                            if round == 3, n % 2 == 1 {
                                try await store.recordSuccess(Self.key(n), sourceURL: "u\(n)", image: EventFixtures.image(id: "late-\(n)"))
                            }
                            return (n, try await store.lookup(Self.key(n))?.image?.id)
                        }
                    }
                }
                var all: [(Int, String?)] = []
                for try await result in group { all.append(result) }
                return all
            }
            #expect(results.count == 400)
            for (n, id) in results where n % 2 == 0 {
                #expect(id == "img-\(n)")
            }
            for (n, id) in results where n % 2 == 1 {
                #expect(id == nil || id == "late-\(n)")
            }
        }
    }

    @Test("a closed store refuses calls", arguments: Kind.allCases)
    func closed(_ kind: Kind) async throws {
        let fixture = try await Fixture(kind, clock: TestClock())
        defer { fixture.directory.remove() }
        await fixture.store.close()
        await #expect(throws: IdempotencyStoreError.self) { try await fixture.store.lookup(Self.key(1)) }
        await #expect(throws: IdempotencyStoreError.self) {
            try await fixture.store.recordSuccess(Self.key(1), sourceURL: "u", image: EventFixtures.image())
        }
    }
}
