/// `upload-worker bench-http`: runs the `http` benchmark suite on its own (hidden), until the
/// `bench` command registers the suite as `upload-worker bench http`.
enum HTTPBenchCommand: Command {
    static let name = "bench-http"
    static let abstract = "Benchmark the HTTP clients (curl, URLSession) against a local server."
    static let isHidden = true
    static let options: [Option] = [
        .value("seconds", "s", default: "2", help: "Measured seconds per cell."),
        .value("concurrency", "list", default: "1,64,256", help: "Requests in flight, comma-separated."),
    ]

    static func run(_ options: ParsedOptions) async throws -> Int32 {
        let seconds = try options.value("seconds", default: 2.0) { Double($0).flatMap { $0 > 0 ? $0 : nil } }
        let concurrencies = try options.value("concurrency", default: [1, 64, 256]) { text in
            let values = text.split(separator: ",").compactMap { Int($0) }
            return values.isEmpty || values.contains { $0 < 1 } ? nil : values
        }
        return try await HTTPBench.run(duration: .milliseconds(Int(seconds * 1000)), concurrencies: concurrencies)
    }
}
