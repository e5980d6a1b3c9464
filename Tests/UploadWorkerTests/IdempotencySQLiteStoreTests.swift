import CloudflareImages
import Foundation
import Testing
@testable import UploadWorker

/// What only the SQLite store does: the file, WAL mode, the schema version, sharing.
@Suite("SQLite idempotency store")
struct IdempotencySQLiteStoreTests {
    static func key(_ n: Int) -> IdempotencyKey { IdempotencyKey(normalizedURL: "https://example.com/\(n).png") }

    @Test("opens in WAL mode and creates the schema")
    func walMode() async throws {
        let directory = try StoreTestDirectory()
        defer { directory.remove() }
        let path = directory.path("idempotency.sqlite")
        let store = try await SQLiteIdempotencyStore(path: path)
        #expect(try await store.journalMode() == "wal")
        try await store.recordSuccess(Self.key(1), sourceURL: "u", image: EventFixtures.image())
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        await store.close()

        // Read with a separate connection: the schema version and the row are on disk.
        let db = try SQLiteDatabase(path: path, busyTimeout: .seconds(1))
        #expect(try db.scalarText("PRAGMA user_version") == "1")
        #expect(try db.scalarText("SELECT outcome FROM idempotency WHERE key = '\(Self.key(1).hex)'") == "success")
        #expect(try db.scalarText("SELECT image_id FROM idempotency") == "products/1234/front")
        db.close()
    }

    @Test("reopening keeps every outcome, byte for byte")
    func reopen() async throws {
        let directory = try StoreTestDirectory()
        defer { directory.remove() }
        let path = directory.path("reopen.sqlite")
        let image = EventFixtures.image(metadata: ["a": .array([.number(1.5), .null, .object(["b": .bool(true)])]), "é": .string("ü \"q\"")])
        let failure = UploadFailure(kind: .invalidRequest, message: "API refused the ID", httpStatus: 400,
                                    cloudflareErrors: [APIMessage(code: 5411, message: "Must not be UUID")], reason: "x", field: "id")
        do {
            let store = try await SQLiteIdempotencyStore(path: path)
            try await store.recordSuccess(Self.key(1), sourceURL: "https://example.com/1.png", image: image)
            try await store.recordPermanentFailure(Self.key(2), sourceURL: "https://example.com/2.png", failure: failure, ttl: .seconds(3600))
            await store.close()
        }
        let reopened = try await SQLiteIdempotencyStore(path: path)
        let success = try #require(try await reopened.lookup(Self.key(1)))
        #expect(success.image == image)
        #expect(success.sourceURL == "https://example.com/1.png")
        #expect(try await reopened.lookup(Self.key(2))?.failure == failure)
        #expect(try await reopened.count() == 2)
        await reopened.close()
    }

    @Test("two stores on one file see each other's writes (two workers on one host)")
    func shared() async throws {
        let directory = try StoreTestDirectory()
        defer { directory.remove() }
        let path = directory.path("shared.sqlite")
        let a = try await SQLiteIdempotencyStore(path: path)
        let b = try await SQLiteIdempotencyStore(path: path)
        #expect(try await b.lookup(Self.key(5)) == nil)
        try await a.recordSuccess(Self.key(5), sourceURL: "u", image: EventFixtures.image(id: "from-a"))
        #expect(try await b.lookup(Self.key(5))?.image?.id == "from-a")
        // b's later upload of the same URL does not replace a's image.
        try await b.recordSuccess(Self.key(5), sourceURL: "u", image: EventFixtures.image(id: "from-b"))
        #expect(try await b.lookup(Self.key(5))?.image?.id == "from-a")
        await a.close()
        await b.close()
    }

    @Test("a database from a newer schema version is refused")
    func schemaTooNew() async throws {
        let directory = try StoreTestDirectory()
        defer { directory.remove() }
        let path = directory.path("newer.sqlite")
        let db = try SQLiteDatabase(path: path, busyTimeout: .seconds(1))
        try db.execute("PRAGMA user_version = 2")
        db.close()
        await #expect {
            try await SQLiteIdempotencyStore(path: path)
        } throws: { error in
            (error as? IdempotencyStoreError)?.code == .schemaTooNew
        }
    }

    @Test("a path that cannot be opened fails with cannotOpen")
    func cannotOpen() async throws {
        await #expect {
            try await SQLiteIdempotencyStore(path: "/nonexistent-dir-\(UUID().uuidString)/x.sqlite")
        } throws: { error in
            (error as? IdempotencyStoreError)?.code == .cannotOpen
        }
        let directory = try StoreTestDirectory()
        defer { directory.remove() }
        let garbage = directory.path("garbage.sqlite")
        try Data(repeating: 0x42, count: 4096).write(to: URL(fileURLWithPath: garbage))
        await #expect(throws: IdempotencyStoreError.self) { try await SQLiteIdempotencyStore(path: garbage) }
    }
}

@Suite("Idempotency store location (IDEMPOTENCY_STORE)")
struct IdempotencyStoreLocationTests {
    @Test("parses sqlite:<path> and memory")
    func parses() throws {
        #expect(try StoreLocation(parsing: "sqlite:/var/lib/w/idem.sqlite") == .sqlite(path: "/var/lib/w/idem.sqlite"))
        #expect(try StoreLocation(parsing: "sqlite:./idem.sqlite") == .sqlite(path: "./idem.sqlite"))
        #expect(try StoreLocation(parsing: "SQLite:relative.db") == .sqlite(path: "relative.db"))
        #expect(try StoreLocation(parsing: "sqlite:///abs/idem.sqlite") == .sqlite(path: "/abs/idem.sqlite"))
        #expect(try StoreLocation(parsing: "memory") == .memory)
        #expect(StoreLocation.default == .sqlite(path: "upload-worker.sqlite"))
        #expect(StoreLocation.default.description == "sqlite:upload-worker.sqlite")
        #expect(try StoreLocation(parsing: StoreLocation.default.description) == .default)
    }

    @Test("refuses anything else, naming the variable", arguments: ["", "sqlite:", "sqlite://", "/tmp/x.sqlite", "postgres://db/idem", "redis:localhost"])
    func refuses(_ text: String) {
        #expect {
            try StoreLocation(parsing: text)
        } throws: { error in
            String(describing: error).hasPrefix("IDEMPOTENCY_STORE=")
        }
    }

    @Test("opens the store it names")
    func opens() async throws {
        let directory = try StoreTestDirectory()
        defer { directory.remove() }
        let store = try await StoreLocation(parsing: "sqlite:" + directory.path("opened.sqlite")).open()
        #expect(store is SQLiteIdempotencyStore)
        await store.close()
        let memory = try await StoreLocation.memory.open()
        #expect(memory is InMemoryIdempotencyStore)
    }
}
