import Foundation
import ImagesEmulator

/// `upload-worker demo`: the first command of the README. Everything runs in this process with
/// nothing to configure; see `DemoRun`.
enum DemoCommand: Command {
    static let name = "demo"
    static let abstract = "Run the whole system in one process (embedded Kafka, Images emulator, worker) on a sample workload."
    static let options: [Option] = [
        .value("requests", "n", default: "200", help: "Upload requests to produce (\(DemoWorkload.minimumCount) to 20000); about a fifth repeat an earlier URL."),
        .value("latency", "duration", default: "200ms", help: "Latency of the emulated Images API per call (e.g. 0, 50ms, 1s)."),
        .value("max-in-flight", "n", default: "64", help: "Uploads at once (the worker's MAX_IN_FLIGHT)."),
        .value("timeout", "duration", help: "How long the requests may take to get their events before the demo gives up (default: 60 s plus twice the time the latency needs)."),
        .flag("json", help: "End with one line of JSON: requests, results, errors, deduplicated, uploads, latency..."),
    ]
    static let discussion = """
        The demo starts the embedded Kafka (librdkafka's mock cluster), the Images API emulator with
        its built-in image origin, and the worker with a SQLite idempotency store in a temporary
        directory (deleted after), all on 127.0.0.1. It produces the requests (distinct images,
        repeats, a missing image, a non-image, a too-large image, invalid messages), reads every
        result and error event back from the output topics, and prints a summary. Pacing is off
        (the default 4 uploads/s would make it last about a minute); worker logs are kept to
        warnings.

        Exit status: 0 when every request got exactly one terminal event of the expected kind and
        no URL was uploaded twice; 1 otherwise, with the reasons; 2 for a bad option.
        """

    static func run(_ options: ParsedOptions) async throws -> Int32 {
        var settings = DemoRun.Settings()
        // The embedded Kafka keeps 5 MiB per partition: 20,000 events fit in the 4 partitions.
        settings.requests = try options.value("requests", default: 200) { Int($0).flatMap { (DemoWorkload.minimumCount...20_000).contains($0) ? $0 : nil } }
        settings.latency = try options.value("latency", default: .milliseconds(200)) { DurationText.parse($0).flatMap { $0 >= .zero && $0 <= .seconds(10) ? $0 : nil } }
        settings.maxInFlight = try options.value("max-in-flight", default: 64) { Int($0).flatMap { (1...10_000).contains($0) ? $0 : nil } }
        let needed = settings.latency * (settings.requests / settings.maxInFlight + 1)
        settings.timeout = try options.value("timeout", default: .seconds(60) + needed * 2) { DurationText.parse($0).flatMap { $0 > .zero ? $0 : nil } }
        settings.json = options.flag("json")
        return try await DemoRun(settings: settings).run()
    }
}
