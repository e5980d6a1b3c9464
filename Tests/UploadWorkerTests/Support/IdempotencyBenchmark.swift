import CloudflareImages
import Foundation
@testable import UploadWorker

/// Times the duplicate path's pieces once and returns printable figures. Not a test: run it from
/// the env-gated benchmark test in a release build (see IdempotencyBenchmarkTests.swift).
enum IdempotencyBenchmark {
    /// Runs every measurement against an SQLite file in `directory`; returns one line per figure.
    static func run(directory: String, keys: Int = 10_000, concurrency: Int = 64) async throws -> [String] {
        var lines: [String] = []
        // Wall time and the process's CPU time (every thread, the SQLite queue's included): on a
        // shared machine the wall figure includes waiting for a core, the CPU figure does not.
        struct Instant {
            var wall: ContinuousClock.Instant
            var cpu: Double
            static var now: Instant {
                var ts = timespec()
                clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
                return Instant(wall: ContinuousClock.now, cpu: Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9)
            }
        }
        struct Clock { var now: Instant { Instant.now } }
        let clock = Clock()
        func perOp(_ start: Instant, _ count: Int) -> String {
            let end = Instant.now
            let d = end.wall - start.wall
            let wall = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
            let cpu = end.cpu - start.cpu
            return String(format: "%.2f µs/op wall (%.0f ops/s), %.2f µs/op CPU", wall / Double(count) * 1e6, Double(count) / wall, cpu / Double(count) * 1e6)
        }

        let urls = (0..<keys).map { "https://user:pw@Images.Example.com:443/catalog/\($0)/front.png?v=\($0 % 7)#top" }
        let payloads = urls.enumerated().map { Array(#"{"url": "\#($0.element)", "requestId": "req-\#($0.offset)", "metadata": {"sku": "\#($0.offset)"}}"#.utf8) }
        let image = Image(id: "2cdc28f0-017a-49c4-9ed7-87056c83901f", filename: "front.png", uploaded: Date(), requireSignedURLs: false,
                          variants: ["https://imagedelivery.net/Vi7wi5KSItxGFsWRG2Us6Q/2cdc28f0-017a-49c4-9ed7-87056c83901f/public"],
                          metadata: ["sku": .string("1")], creator: "catalog-service")

        var start = clock.now
        var sink = 0
        for url in urls { sink &+= SHA256.hash(url).bytes.count }
        lines.append("SHA-256 of a ~80-byte URL: " + perOp(start, urls.count))

        start = clock.now
        for url in urls { sink &+= IdempotencyKey(normalizedURL: url).hex.utf8.count }
        lines.append("SHA-256 + hex: " + perOp(start, urls.count))

        start = clock.now
        for url in urls { sink &+= try SourceURL(parsing: url).idempotencyKey.hex.utf8.count }
        lines.append("normalize + SHA-256 key: " + perOp(start, urls.count))

        start = clock.now
        var decoded: [UploadRequestEvent] = []
        decoded.reserveCapacity(keys)
        for (i, payload) in payloads.enumerated() {
            decoded.append(try UploadRequestEvent(decoding: payload, source: EventSource(topic: "t", partition: 0, offset: Int64(i))))
        }
        let requests = decoded
        lines.append("decode + validate request: " + perOp(start, payloads.count))

        start = clock.now
        for request in requests {
            sink &+= UploadResultEvent(request: request, image: image, deduplicated: true, attempts: 0).encoded().value.count
        }
        lines.append("encode result event + headers: " + perOp(start, requests.count))

        let storedImage = Array(StoreCoding.encode(image).utf8)
        start = clock.now
        for _ in 0..<keys { sink &+= try StoreCoding.decodeImage(storedImage).variants.count }
        lines.append("decode a stored image: " + perOp(start, keys))

        let cached = try await SQLiteIdempotencyStore(path: directory + "/bench.sqlite", options: .init(cacheCapacity: keys))
        start = clock.now
        for request in requests {
            try await cached.recordSuccess(request.idempotencyKey, sourceURL: request.url.redacted, image: image)
        }
        lines.append("recordSuccess (sequential, synchronous=NORMAL): " + perOp(start, requests.count))

        start = clock.now
        for request in requests { sink &+= try await cached.lookup(request.idempotencyKey) == nil ? 0 : 1 }
        lines.append("lookup, cache hit (sequential): " + perOp(start, requests.count))
        await cached.close()

        let uncached = try await SQLiteIdempotencyStore(path: directory + "/bench.sqlite", options: .init(cacheCapacity: 0))
        start = clock.now
        sink &+= try await uncached.lookupAllOnQueue(requests.map(\.idempotencyKey))
        lines.append("lookup, SQLite select + decode only (on the queue, no hops): " + perOp(start, requests.count))

        start = clock.now
        for request in requests { sink &+= try await uncached.lookup(request.idempotencyKey) == nil ? 0 : 1 }
        lines.append("lookup, SQLite (sequential, includes the queue hop): " + perOp(start, requests.count))

        start = clock.now
        try await withThrowingTaskGroup(of: Int.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var found = 0
                    for i in stride(from: worker, to: requests.count, by: concurrency) {
                        found += try await uncached.lookup(requests[i].idempotencyKey) == nil ? 0 : 1
                    }
                    return found
                }
            }
            for try await found in group { sink &+= found }
        }
        lines.append("lookup, SQLite (\(concurrency) concurrent tasks): " + perOp(start, requests.count))

        // The whole duplicate path: decode, look up (SQLite, no cache), encode.
        start = clock.now
        sink &+= try await duplicatePath(payloads, store: uncached, concurrency: concurrency)
        lines.append("duplicate path decode+lookup(SQLite)+encode (\(concurrency) tasks): " + perOp(start, payloads.count))
        await uncached.close()

        // The same with the default options: the first lookup of each URL goes to SQLite, the
        // repeats (here 4 more per URL) are answered by the in-memory cache.
        let withCache = try await SQLiteIdempotencyStore(path: directory + "/bench.sqlite")
        let repeated = (0..<5).flatMap { _ in payloads }
        start = clock.now
        sink &+= try await duplicatePath(repeated, store: withCache, concurrency: concurrency)
        lines.append("duplicate path, default options, each URL 5 times (\(concurrency) tasks): " + perOp(start, repeated.count))
        await withCache.close()
        lines.append("(checksum \(sink))")
        return lines
    }

    /// Decodes each payload, looks its URL up in `store`, and encodes the deduplicated result, in
    /// `concurrency` tasks; returns the encoded bytes (kept, so the work is not optimized away).
    private static func duplicatePath(_ payloads: [[UInt8]], store: SQLiteIdempotencyStore, concurrency: Int) async throws -> Int {
        try await withThrowingTaskGroup(of: Int.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var bytes = 0
                    for i in stride(from: worker, to: payloads.count, by: concurrency) {
                        let request = try UploadRequestEvent(decoding: payloads[i], source: EventSource(topic: "t", partition: 0, offset: Int64(i)))
                        guard let image = try await store.lookup(request.idempotencyKey)?.image else { continue }
                        bytes += UploadResultEvent(request: request, image: image, deduplicated: true, attempts: 0).encoded().value.count
                    }
                    return bytes
                }
            }
            return try await group.reduce(0, &+)
        }
    }
}
