import Foundation

/// A benchmark suite of `upload-worker bench <suite>`: prints figures, asserts nothing.
/// To add one: make a `BenchSuite` value (e.g. `static let suite` on your bench type) and list it
/// in `BenchCommand.suites`; add its options to `BenchCommand.options` (every suite sees all of
/// them and ignores the others).
struct BenchSuite: Sendable {
    let name: String
    let abstract: String
    let run: @Sendable (ParsedOptions) async throws -> Void
}

/// `upload-worker bench [<suite>]`: run with `swift run -c release upload-worker bench <suite>`.
/// Without a suite it runs `worker`, the benchmark of the product.
enum BenchCommand: Command {
    static let suites: [BenchSuite] = [
        WorkerBench.suite,
        KafkaBench.suite,
        HTTPBench.suite,
        ImagesClientBench.suite,
    ]

    static let name = "bench"
    static let abstract = "Run a benchmark suite and print its figures (build with -c release)."
    static var positionals: [(name: String, help: String)] {
        [("suite", "The suite: " + suites.map { "\($0.name) (\($0.abstract))" }.joined(separator: "; "))]
    }
    static let options: [Option] = [
        .value("records", "n", default: "1000000", help: "kafka: records per phase."),
        .value("size", "bytes", default: "200", help: "kafka: value size of each record."),
        .value("partitions", "p", default: "64", help: "kafka: partitions per topic (the embedded Kafka keeps 5 MiB per partition)."),
        .flag("no-python", help: "kafka: skip the confluent-kafka (Python) comparison."),
        .value("seconds", "s", default: "2", help: "http: measured seconds per cell."),
        .value("concurrency", "list", help: "http: requests in flight, comma-separated (default 1,64,256); images-client: uploads at once (default 64)."),
        .value("clients", "list", default: "curl,URLSession", help: "http: clients to measure, comma-separated."),
        .value("requests", "n", help: "images-client: uploads per line (default 20000); worker: requests per scenario (default: sized to 10-15 s each; duplicates: half of them pre-uploaded, each sent twice)."),
        .value("scenarios", "list", help: "worker: scenarios to run, comma-separated (default all: \(WorkerBenchScenario.all.map(\.name).joined(separator: ",")))."),
    ]
    static let discussion = """
        ENVIRONMENT:
          UPLOAD_WORKER_PYTHON  Python with confluent-kafka for the kafka comparison (default: python3).
        """

    static func run(_ options: ParsedOptions) async throws -> Int32 {
        // No suite: the worker's own benchmark.
        let name = options.positionals.first ?? WorkerBench.suite.name
        guard let suite = suites.first(where: { $0.name == name }) else {
            throw UsageError("unknown suite '\(name)': one of \(suites.map(\.name).joined(separator: ", "))")
        }
        try await suite.run(options)
        return 0
    }
}
