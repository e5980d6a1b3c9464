extension ImagesEmulator {
    /// Everything fixed for the life of an emulator. The knobs that may change at run time are in
    /// `Knobs`.
    public struct Configuration: Sendable {
        /// Address to listen on. Default: `127.0.0.1`.
        public var host: String = "127.0.0.1"
        /// Port to listen on; 0 picks a free one (`start()` returns it). Default: 0.
        public var port: Int = 0
        /// The API token required as `Authorization: Bearer <token>` (or as `X-Auth-Key`); nil
        /// accepts any well-formed token. Default: nil.
        public var token: String? = nil
        /// The account ID the API paths must name; nil accepts any. Default: nil.
        public var accountID: String? = nil
        /// The account hash in delivery URLs. Default: `emulatorAccountHash000` (22 characters,
        /// like a real one).
        public var accountHash: String = "emulatorAccountHash000"
        /// Variant names; each image gets `https://imagedelivery.net/<hash>/<id>/<variant>`.
        /// Default: `["public"]`.
        public var variants: [String] = ["public"]
        /// Latency, faults and rate limit. Default: none of them.
        public var knobs: Knobs = Knobs()
        /// Seed of the fault injection: the same seed gives the same faults to the n-th API
        /// request. Default: 0.
        public var seed: UInt64 = 0
        /// How long fetching a source URL may take, connection to last byte. Default: 10 s.
        public var fetchTimeout: Duration = .seconds(10)
        /// Largest accepted image. Default: 10 MiB (10,485,760 bytes).
        public var maxImageBytes: Int = 10 * 1024 * 1024
        /// Longest accepted side in pixels. Default: 12,000.
        public var maxDimension: Int = 12_000
        /// Largest accepted area in pixels. Default: 100,000,000 (100 megapixels).
        public var maxArea: Int = 100_000_000
        /// Largest request body the server reads (a `file` upload plus the form). Default: 11 MiB.
        public var maxRequestBodyBytes: Int = 11 * 1024 * 1024
        /// When an upload's URL points at this emulator's own `/origin/...`, answer it in process
        /// instead of over loopback, with the same answers, credentials check and timeout. This
        /// keeps the emulator cheap per request in benchmarks. Default: true.
        public var fetchesOwnOriginInProcess: Bool = true
        /// Credentials of the built-in origin's `/origin/private.png`. Default: `demo` / `secret`.
        public var originUser: String = "demo"
        public var originPassword: String = "secret"

        public init() {}
    }

    /// What can change while the emulator runs (`updateKnobs`, `POST /__emulator/config`).
    public struct Knobs: Sendable, Equatable {
        /// Added before every API answer. Default: 0.
        public var latency: Duration = .zero
        /// Share of API requests answered 500 with code 5500. Default: 0.
        public var failRate: Double = 0
        /// Share of API requests whose connection is closed without an answer. Default: 0.
        public var dropRate: Double = 0
        /// Share of API requests answered only after `slowDelay` more. Default: 0.
        public var slowRate: Double = 0
        /// Extra delay of a slow answer. Default: 5 s.
        public var slowDelay: Duration = .seconds(5)
        /// Requests allowed per window for the whole account; nil for no limit (and no
        /// `Ratelimit` headers). Cloudflare's is 1200 per 300 s. Default: nil.
        public var rateLimit: RateLimit? = nil

        public init(latency: Duration = .zero, failRate: Double = 0, dropRate: Double = 0, slowRate: Double = 0,
                    slowDelay: Duration = .seconds(5), rateLimit: RateLimit? = nil) {
            self.latency = latency
            self.failRate = failRate
            self.dropRate = dropRate
            self.slowRate = slowRate
            self.slowDelay = slowDelay
            self.rateLimit = rateLimit
        }
    }

    /// A fixed-window request budget, written `1200/300s`.
    public struct RateLimit: Sendable, Equatable, CustomStringConvertible {
        public var quota: Int
        public var window: Duration

        public init(quota: Int, window: Duration) {
            self.quota = quota
            self.window = window
        }

        /// Parses `<quota>/<duration>`, e.g. `1200/300s` or `10/1s`; nil when malformed.
        public init?(parsing text: String) {
            let parts = text.split(separator: "/", maxSplits: 1)
            guard parts.count == 2, let quota = Int(parts[0]), quota >= 0,
                  let window = DurationText.parse(String(parts[1])), window > .zero else { return nil }
            self.init(quota: quota, window: window)
        }

        public var description: String { "\(quota)/\(DurationText.format(window))" }
    }
}

/// `200ms`, `1.5s`, `5m`, `2h`, `0`: the way durations are written on the command line.
public enum DurationText {
    public static func parse(_ text: String) -> Duration? {
        let t = text.trimmingSpaces
        if t == "0" { return .zero }
        let units: [(String, Double)] = [("ms", 1e-3), ("us", 1e-6), ("µs", 1e-6), ("ns", 1e-9), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, scale) in units where t.hasSuffix(suffix) {
            guard let v = Double(t.dropLast(suffix.count)), v >= 0, v.isFinite else { return nil }
            return .nanoseconds(Int64((v * scale * 1e9).rounded()))
        }
        return nil
    }

    /// Milliseconds or seconds, whichever reads better.
    public static func format(_ d: Duration) -> String {
        let ms = milliseconds(d)
        if ms % 1000 == 0 { return "\(ms / 1000)s" }
        return "\(ms)ms"
    }

    static func milliseconds(_ d: Duration) -> Int64 {
        d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
