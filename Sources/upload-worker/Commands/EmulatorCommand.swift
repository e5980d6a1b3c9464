import Foundation
import ImagesEmulator
import Logging

/// `upload-worker emulator`: the local Cloudflare Images API, standalone.
enum EmulatorCommand: Command {
    static let name = "emulator"
    static let abstract = "Run a local Cloudflare Images API (with a built-in image origin) on loopback."
    static let options: [Option] = [
        .value("listen", "host:port", default: "127.0.0.1:8788", help: "Address to listen on; port 0 picks a free one."),
        .value("token", "T", help: "API token required as 'Authorization: Bearer T' (default: any token accepted)."),
        .value("account-id", "id", help: "Account ID the paths must name (default: any)."),
        .value("account-hash", "hash", default: "emulatorAccountHash000", help: "Account hash in delivery URLs."),
        .value("variants", "a,b", default: "public", help: "Variant names of every image."),
        .value("latency", "duration", default: "0", help: "Added before every API answer (e.g. 200ms)."),
        .value("fail-rate", "share", default: "0", help: "Share of API requests answered 500 (code 5500)."),
        .value("drop-rate", "share", default: "0", help: "Share of API requests whose connection is closed without an answer."),
        .value("slow-rate", "share", default: "0", help: "Share of API requests answered after --slow-delay more."),
        .value("slow-delay", "duration", default: "5s", help: "Extra delay of a slow answer."),
        .value("rate-limit", "quota/window", help: "Account rate limit, e.g. 1200/300s (Cloudflare's); default: none."),
        .value("seed", "N", default: "0", help: "Seed of the fault injection (same seed, same faults)."),
        .value("fetch-timeout", "duration", default: "10s", help: "Time allowed to fetch a source URL."),
        .flag("fetch-own-origin-over-http", help: "Fetch this emulator's /origin/ URLs over loopback instead of in process."),
    ]
    static let discussion = """
        The first line on stdout is the listen URL (http://127.0.0.1:PORT), alone; the API base URL
        for a client is that plus /client/v4, the built-in origin is under /origin/. Runs until
        SIGINT or SIGTERM and exits 0. Knobs can change at run time: POST /__emulator/config.
        Counts: GET /__emulator/stats. See docs/emulator.md.

        Example:
          upload-worker emulator --token secret --latency 200ms --rate-limit 1200/300s
          curl -H 'Authorization: Bearer secret' -F url=http://127.0.0.1:8788/origin/cat-800x600.jpg \\
               http://127.0.0.1:8788/client/v4/accounts/acc/images/v1
        """

    static func run(_ options: ParsedOptions) async throws -> Int32 {
        var config = ImagesEmulator.Configuration()
        (config.host, config.port) = try options.value("listen", default: ("127.0.0.1", 8788), parseListen)
        config.token = options["token"]
        config.accountID = options["account-id"]
        config.accountHash = try options.value("account-hash", default: config.accountHash) { $0.isEmpty ? nil : $0 }
        config.variants = try options.value("variants", default: config.variants) { raw -> [String]? in
            let names = raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            return names.isEmpty || names.contains(where: \.isEmpty) ? nil : names
        }
        let share: (String) -> Double? = { Double($0).flatMap { (0...1).contains($0) ? $0 : nil } }
        config.knobs.latency = try options.value("latency", default: .zero, DurationText.parse)
        config.knobs.failRate = try options.value("fail-rate", default: 0, share)
        config.knobs.dropRate = try options.value("drop-rate", default: 0, share)
        config.knobs.slowRate = try options.value("slow-rate", default: 0, share)
        config.knobs.slowDelay = try options.value("slow-delay", default: config.knobs.slowDelay, DurationText.parse)
        config.knobs.rateLimit = try options.value("rate-limit", default: nil) { raw -> ImagesEmulator.RateLimit?? in
            raw == "none" ? .some(nil) : ImagesEmulator.RateLimit(parsing: raw).map { .some($0) }
        }
        guard config.knobs.failRate + config.knobs.dropRate + config.knobs.slowRate <= 1 else {
            throw UsageError("--fail-rate + --drop-rate + --slow-rate must be at most 1")
        }
        config.seed = try options.value("seed", default: 0) { UInt64($0) }
        config.fetchTimeout = try options.value("fetch-timeout", default: config.fetchTimeout) { DurationText.parse($0).flatMap { $0 > .zero ? $0 : nil } }
        config.fetchesOwnOriginInProcess = !options.flag("fetch-own-origin-over-http")

        let logger = Logger(label: "emulator")
        let emulator = ImagesEmulator(configuration: config, logger: logger)
        let port = try emulator.start()
        let host = config.host.contains(":") ? "[\(config.host)]" : config.host
        print("http://\(host):\(port)")
        fflush(nil)  // all C streams: `stdout` itself is not concurrency-safe to name
        logger.info("knobs", metadata: [
            "latency": "\(DurationText.format(config.knobs.latency))", "fail_rate": "\(config.knobs.failRate)",
            "drop_rate": "\(config.knobs.dropRate)", "slow_rate": "\(config.knobs.slowRate)",
            "rate_limit": "\(config.knobs.rateLimit?.description ?? "none")", "seed": "\(config.seed)",
        ])
        let signal = await ShutdownSignal.wait()
        logger.info("stopping", metadata: ["signal": "\(signal)"])
        await emulator.stop()
        return 0
    }

    /// `host:port`, `[v6]:port` or `:port`.
    static func parseListen(_ raw: String) -> (String, Int)? {
        guard let colon = raw.lastIndex(of: ":"), let port = Int(raw[raw.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        var host = String(raw[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "127.0.0.1" : host, port)
    }
}
