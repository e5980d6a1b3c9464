import CloudflareImages
import Foundation

/// Times the duplicate path's pieces once and returns printable figures. Not a test: run it from
/// the env-gated benchmark test in a release build (see IdempotencyBenchmarkTests.swift).
public enum IdempotencyBenchmark {
    /// Runs every measurement against an SQLite file in `directory`; returns one line per figure.
    public static func run(directory: String, keys: Int = 10_000, concurrency: Int = 64) async throws -> [String] {
        var lines: [String] = []
        let clock = ContinuousClock()
        func perOp(_ duration: Duration, _ count: Int) -> String {
            let ns = Double(duration.components.seconds) * 1e9 + Double(duration.components.attoseconds) / 1e9
            return String(format: "%.2f µs/op (%.0f ops/s)", ns / Double(count) / 1000, Double(count) / (ns / 1e9))
        }

        let urls = (0..<keys).map { "https://user:pw@Images.Example.com:443/catalog/\($0)/front.png?v=\($0 % 7)#top" }
        let payloads = urls.enumerated().map { Array(#"{"url": "\#($0.element)", "requestId": "req-\#($0.offset)", "metadata": {"sku": "\#($0.offset)"}}"#.utf8) }
        let image = Image(id: "2cdc28f0-017a-49c4-9ed7-87056c83901f", filename: "front.png", uploaded: Date(), requireSignedURLs: false,
                          variants: ["https://imagedelivery.net/Vi7wi5KSItxGFsWRG2Us6Q/2cdc28f0-017a-49c4-9ed7-87056c83901f/public"],
                          metadata: ["sku": .string("1")], creator: "catalog-service")

        var start = clock.now
        var sink = 0
        for url in urls { sink &+= SHA256.hash(url).bytes.count }
        lines.append("SHA-256 of a ~80-byte URL: " + perOp(clock.now - start, urls.count))

        start = clock.now
        for url in urls { sink &+= IdempotencyKey(normalizedURL: url).hex.utf8.count }
        lines.append("SHA-256 + hex: " + perOp(clock.now - start, urls.count))

        start = clock.now
        for url in urls { sink &+= try SourceURL(parsing: url).idempotencyKey.hex.utf8.count }
        lines.append("normalize + SHA-256 key: " + perOp(clock.now - start, urls.count))

        start = clock.now
        var decoded: [UploadRequestEvent] = []
        decoded.reserveCapacity(keys)
        for (i, payload) in payloads.enumerated() {
            decoded.append(try UploadRequestEvent(decoding: payload, source: EventSource(topic: "t", partition: 0, offset: Int64(i))))
        }
        let requests = decoded
        lines.append("decode + validate request: " + perOp(clock.now - start, payloads.count))

        start = clock.now
        for request in requests {
            sink &+= UploadResultEvent(request: request, image: image, deduplicated: true, attempts: 0).encoded().value.count
        }
        lines.append("encode result event + headers: " + perOp(clock.now - start, requests.count))

        let storedImage = Array(StoreCoding.encode(image).utf8)
        start = clock.now
        for _ in 0..<keys { sink &+= try StoreCoding.decodeImage(storedImage).variants.count }
        lines.append("decode a stored image: " + perOp(clock.now - start, keys))

        let cached = try await SQLiteIdempotencyStore(path: directory + "/bench.sqlite", options: .init(cacheCapacity: keys))
        start = clock.now
        for request in requests {
            try await cached.recordSuccess(request.idempotencyKey, sourceURL: request.url.redacted, image: image)
        }
        lines.append("recordSuccess (sequential, synchronous=NORMAL): " + perOp(clock.now - start, requests.count))

        start = clock.now
        for request in requests { sink &+= try await cached.lookup(request.idempotencyKey) == nil ? 0 : 1 }
        lines.append("lookup, cache hit (sequential): " + perOp(clock.now - start, requests.count))
        await cached.close()

        let uncached = try await SQLiteIdempotencyStore(path: directory + "/bench.sqlite", options: .init(cacheCapacity: 0))
        start = clock.now
        for request in requests { sink &+= try await uncached.lookup(request.idempotencyKey) == nil ? 0 : 1 }
        lines.append("lookup, SQLite (sequential, includes the queue hop): " + perOp(clock.now - start, requests.count))

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
        lines.append("lookup, SQLite (\(concurrency) concurrent tasks): " + perOp(clock.now - start, requests.count))

        // The whole duplicate path: decode, look up (SQLite, no cache), encode.
        start = clock.now
        try await withThrowingTaskGroup(of: Int.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var bytes = 0
                    for i in stride(from: worker, to: payloads.count, by: concurrency) {
                        let request = try UploadRequestEvent(decoding: payloads[i], source: EventSource(topic: "t", partition: 0, offset: Int64(i)))
                        guard let image = try await uncached.lookup(request.idempotencyKey)?.image else { continue }
                        bytes += UploadResultEvent(request: request, image: image, deduplicated: true, attempts: 0).encoded().value.count
                    }
                    return bytes
                }
            }
            for try await bytes in group { sink &+= bytes }
        }
        lines.append("duplicate path decode+lookup(SQLite)+encode (\(concurrency) tasks): " + perOp(clock.now - start, payloads.count))
        await uncached.close()
        lines.append("(checksum \(sink))")
        return lines
    }
}
