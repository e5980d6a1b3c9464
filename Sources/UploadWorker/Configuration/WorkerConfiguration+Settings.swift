import Foundation
import Logging

extension WorkerConfiguration {
    /// One row of the settings table: how the setting is named in the environment and on the
    /// command line, its default as one would write it, what it means, and how its value is read.
    public struct Setting: Sendable {
        /// The environment variable, e.g. `MAX_IN_FLIGHT`.
        public let variable: String
        /// The flag without `--`, e.g. `max-in-flight`; nil for settings read only from the environment.
        public let flag: String?
        /// The placeholder of the value in `--help`, e.g. `n`.
        public let valueName: String
        /// The default as written in the environment; nil when there is none.
        public let defaultValue: String?
        public let summary: String
        public let isRequired: Bool
        /// The value is never echoed, not even in an error message.
        public let isSecret: Bool
        /// An empty value is a value (otherwise empty means unset, as compose files often write).
        let emptyIsValue: Bool
        let apply: @Sendable (String, inout WorkerConfiguration) throws(SettingValueError) -> Void

        init(
            _ variable: String, flag: Bool = true, _ valueName: String, default defaultValue: String?,
            required: Bool = false, secret: Bool = false, emptyIsValue: Bool = false, _ summary: String,
            apply: @escaping @Sendable (String, inout WorkerConfiguration) throws(SettingValueError) -> Void
        ) {
            self.variable = variable
            self.flag = flag ? variable.lowercased().replacingOccurrences(of: "_", with: "-") : nil
            self.valueName = valueName
            self.defaultValue = defaultValue
            self.summary = summary
            self.isRequired = required
            self.isSecret = secret
            self.emptyIsValue = emptyIsValue
            self.apply = apply
        }
    }

    /// Every setting of `upload-worker run`. The loader, `--help` and docs/configuration.md are
    /// all generated from this table. `KAFKA_*` variables other than those listed here are passed
    /// to librdkafka as they are (see `load`).
    public static let settings: [Setting] = [
        Setting("KAFKA_BOOTSTRAP_SERVERS", "host:port,...", default: nil, required: true,
                "Kafka brokers to start from (librdkafka's bootstrap.servers).") { raw, c throws(SettingValueError) in
            guard !raw.isEmpty, !raw.contains(where: \.isWhitespace) else { throw SettingValueError("expected host:port[,host:port...] without spaces") }
            c.kafka.properties["bootstrap.servers"] = raw
        },
        Setting("KAFKA_GROUP_ID", "id", default: "image-upload-worker",
                "Consumer group; workers in one group share the partitions.") { raw, c throws(SettingValueError) in
            guard !raw.isEmpty, !raw.contains(where: \.isNewline) else { throw SettingValueError("expected a group name") }
            c.kafka.properties["group.id"] = raw
        },
        Setting("KAFKA_AUTO_OFFSET_RESET", "where", default: "earliest",
                "Where a group without a committed offset starts: earliest, latest or error.") { raw, c throws(SettingValueError) in
            c.kafka.properties["auto.offset.reset"] = try SettingParsers.oneOf(raw, [
                ("earliest", "earliest"), ("latest", "latest"), ("error", "error"),
                ("smallest", "smallest"), ("beginning", "beginning"), ("largest", "largest"), ("end", "end"),
            ])
        },
        Setting("REQUEST_TOPIC", "topic", default: "image-upload-requests", "Topic of the upload requests.") { raw, c throws(SettingValueError) in
            c.requestTopic = try SettingParsers.topic(raw)
        },
        Setting("RESULT_TOPIC", "topic", default: "image-upload-results", "Topic of the result events.") { raw, c throws(SettingValueError) in
            c.resultTopic = try SettingParsers.topic(raw)
        },
        Setting("ERROR_TOPIC", "topic", default: "image-upload-errors", "Topic of the error events (dead letters).") { raw, c throws(SettingValueError) in
            c.errorTopic = try SettingParsers.topic(raw)
        },
        Setting("CLOUDFLARE_ACCOUNT_ID", "id", default: nil, required: true, "Cloudflare account that owns the images.") { raw, c throws(SettingValueError) in
            let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
            guard !raw.isEmpty, raw.count <= 64, raw.allSatisfy(allowed.contains) else {
                throw SettingValueError("expected an account ID of letters, digits, '-' or '_' (32 hex digits on Cloudflare)")
            }
            c.cloudflare.accountID = raw
        },
        Setting("CLOUDFLARE_API_TOKEN", flag: false, "token", default: nil, secret: true,
                "API token with Images edit permission. Environment only, so that it never shows in `ps`; or use CLOUDFLARE_API_TOKEN_FILE (exactly one of the two).") { raw, c throws(SettingValueError) in
            c.cloudflare.apiToken = try Self.token(raw)
        },
        Setting("CLOUDFLARE_API_TOKEN_FILE", "path", default: nil,
                "File holding the API token (e.g. a mounted secret); surrounding whitespace is ignored.") { raw, c throws(SettingValueError) in
            guard !raw.isEmpty else { throw SettingValueError("expected a file path") }
            c.cloudflare.apiTokenFile = raw
        },
        Setting("CLOUDFLARE_API_BASE_URL", "url", default: Cloudflare.defaultBaseURL.absoluteString,
                "Base URL of the Cloudflare API (point it at the emulator for tests).") { raw, c throws(SettingValueError) in
            c.cloudflare.baseURL = try SettingParsers.httpURL(raw)
        },
        Setting("IDEMPOTENCY_STORE", "url", default: "sqlite:upload-worker.sqlite",
                "Where uploads are remembered: sqlite:<path> (relative to the working directory), or memory (forgotten on exit; tests and demos).") { raw, c throws(SettingValueError) in
            c.idempotency.store = try Self.store(raw)
        },
        Setting("IDEMPOTENCY_TTL", "duration", default: "forever",
                "How long a successful upload is remembered: a duration, or forever.") { raw, c throws(SettingValueError) in
            c.idempotency.successTTL = raw.lowercased() == "forever" ? nil : try Self.positiveDuration(raw)
        },
        Setting("IDEMPOTENCY_NEGATIVE_TTL", "duration", default: "0",
                "How long a permanent failure is remembered, so that a repeat fails without an API call; 0 = not remembered.") { raw, c throws(SettingValueError) in
            let ttl = try SettingParsers.duration(raw)
            c.idempotency.failureTTL = ttl == .zero ? nil : ttl
        },
        Setting("IMAGE_ID_MODE", "mode", default: "cloudflare",
                "cloudflare: Cloudflare picks image IDs; source-hash: derived from the URL when a request has none, so a crash cannot upload twice.") { raw, c throws(SettingValueError) in
            c.imageIDMode = try SettingParsers.oneOf(raw, ImageIDMode.allCases.map { ($0.rawValue, $0) })
        },
        Setting("MAX_IN_FLIGHT", "n", default: "64", "Uploads at once, across every partition.") { raw, c throws(SettingValueError) in
            c.maxInFlight = try SettingParsers.integer(raw, in: 1...100_000)
        },
        Setting("PARTITION_BUFFER", "n", default: "1000",
                "Uncommitted records a partition may hold before it is paused; it resumes at half.") { raw, c throws(SettingValueError) in
            c.partitionBuffer = try SettingParsers.integer(raw, in: 1...1_000_000)
        },
        Setting("UPLOAD_RATE", "per-second", default: "4",
                "Uploads per second for the account (1,200 per 5 minutes is 4); 0 or off disables pacing.") { raw, c throws(SettingValueError) in
            c.pacer.rate = try Self.rate(raw)
        },
        Setting("UPLOAD_BURST", "n", default: "10", "Uploads that may start at once after a quiet period.") { raw, c throws(SettingValueError) in
            c.pacer.burst = try SettingParsers.integer(raw, in: 1...100_000)
        },
        Setting("MAX_ATTEMPTS", "n", default: "5", "Attempts per upload, the first included, before an error event.") { raw, c throws(SettingValueError) in
            c.retry.maxAttempts = try SettingParsers.integer(raw, in: 1...100)
        },
        Setting("RETRY_BASE_DELAY", "duration", default: "500ms", "Backoff ceiling of the first retry; doubles per attempt (full jitter).") { raw, c throws(SettingValueError) in
            c.retry.baseDelay = try SettingParsers.duration(raw)
        },
        Setting("RETRY_MAX_DELAY", "duration", default: "30s", "Largest backoff ceiling (a longer Retry-After is still honoured).") { raw, c throws(SettingValueError) in
            c.retry.maxDelay = try SettingParsers.duration(raw)
        },
        Setting("RETRY_DEADLINE", "duration", default: "5m", "No retry starts later than this after the first attempt.") { raw, c throws(SettingValueError) in
            c.retry.deadline = try Self.positiveDuration(raw)
        },
        Setting("SHUTDOWN_TIMEOUT", "duration", default: "30s",
                "How long in-flight uploads may take to finish on SIGTERM or a rebalance.") { raw, c throws(SettingValueError) in
            c.shutdownTimeout = try SettingParsers.duration(raw)
        },
        Setting("LIVENESS_TIMEOUT", "duration", default: "60s",
                "/healthz fails when the consumer has not polled for this long.") { raw, c throws(SettingValueError) in
            c.livenessTimeout = try Self.positiveDuration(raw)
        },
        Setting("LOG_LEVEL", "level", default: "info", "trace, debug, info, notice, warning, error or critical.") { raw, c throws(SettingValueError) in
            c.logLevel = try SettingParsers.oneOf(raw, Logger.Level.allCases.map { ($0.rawValue, $0) })
        },
        Setting("LOG_FORMAT", "format", default: "json", "json (one object per line) or text.") { raw, c throws(SettingValueError) in
            c.logFormat = try SettingParsers.oneOf(raw, StreamLogHandler.Format.allCases.map { ($0.rawValue, $0) })
        },
        Setting("METRICS_LISTEN", "host:port", default: "127.0.0.1:9464", emptyIsValue: true,
                "Address of /metrics, /healthz and /readyz; empty or off disables them.") { raw, c throws(SettingValueError) in
            c.metricsListen = try SettingParsers.listenAddress(raw)
        },
    ]

    /// The row of a variable.
    public static func setting(_ variable: String) -> Setting? {
        settings.first { $0.variable == variable }
    }

    private static func token(_ raw: String) throws(SettingValueError) -> Secret {
        let token = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty, !token.contains(where: { $0.isWhitespace || $0.isNewline }) else {
            throw SettingValueError("expected one token without spaces")
        }
        return Secret(token)
    }

    private static func store(_ raw: String) throws(SettingValueError) -> Idempotency.Store {
        let raw = raw.trimmingCharacters(in: .whitespaces)
        if raw == "memory" || raw == "memory:" { return .memory }
        guard let colon = raw.firstIndex(of: ":") else { throw SettingValueError("expected sqlite:<path> or memory") }
        let scheme = raw[..<colon].lowercased()
        var path = String(raw[raw.index(after: colon)...])
        guard scheme == "sqlite" else { throw SettingValueError("unsupported store '\(scheme)'; expected sqlite:<path> or memory") }
        if path.hasPrefix("//") { path.removeFirst(2) }  // sqlite:///abs/path as well as sqlite:/abs/path
        guard !path.isEmpty else { throw SettingValueError("expected sqlite:<path> with a path") }
        return .sqlite(path: path)
    }

    private static func rate(_ raw: String) throws(SettingValueError) -> Double {
        let s = raw.trimmingCharacters(in: .whitespaces).lowercased()
        if s == "off" { return 0 }
        guard let rate = Double(s), rate.isFinite, rate >= 0, rate <= 1_000_000 else {
            throw SettingValueError("expected uploads per second (e.g. 4 or 0.5), or 0 or off")
        }
        return rate
    }

    private static func positiveDuration(_ raw: String) throws(SettingValueError) -> Duration {
        let d = try SettingParsers.duration(raw)
        guard d > .zero else { throw SettingValueError("expected a duration above zero, like 30s") }
        return d
    }
}
