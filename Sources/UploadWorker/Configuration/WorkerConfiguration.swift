import Foundation
import Kafka
import Logging

/// Everything `upload-worker run` can be told, with its defaults. Loaded from the environment
/// and the command line by `load(environment:flags:)` from one table of settings
/// (`WorkerConfiguration.settings`), which also generates `--help` and docs/configuration.md.
public struct WorkerConfiguration: Sendable, Equatable {
    public var kafka: Kafka
    /// Default: `image-upload-requests`.
    public var requestTopic: String = "image-upload-requests"
    /// Default: `image-upload-results`.
    public var resultTopic: String = "image-upload-results"
    /// Default: `image-upload-errors`.
    public var errorTopic: String = "image-upload-errors"
    public var cloudflare: Cloudflare
    public var idempotency = Idempotency()
    /// Default: `.cloudflare` (Cloudflare picks the image ID).
    public var imageIDMode: ImageIDMode = .cloudflare
    /// Uploads at once across every partition. Default: 64.
    public var maxInFlight: Int = 64
    /// Records a partition may hold before it is paused; it resumes at half. Default: 1000.
    public var partitionBuffer: Int = 1000
    /// Default: 4 uploads per second, burst 10.
    public var pacer = Pacer.Configuration()
    /// Default: base 500 ms, cap 30 s, 5 attempts, deadline 5 minutes.
    public var retry = RetryPolicy()
    /// How long in-flight work may take to drain on SIGTERM or a revoke. Default: 30 s.
    public var shutdownTimeout: Duration = .seconds(30)
    /// `/healthz` fails when the consumer has not polled for this long. Default: 60 s.
    public var livenessTimeout: Duration = .seconds(60)
    /// Default: `.info`.
    public var logLevel: Logger.Level = .info
    /// Default: `.json`.
    public var logFormat: StreamLogHandler.Format = .json
    /// Where `/metrics`, `/healthz` and `/readyz` are served; nil turns them off. Default: 127.0.0.1:9464.
    public var metricsListen: ListenAddress? = ListenAddress(host: "127.0.0.1", port: 9464)

    public init(kafka: Kafka, cloudflare: Cloudflare) {
        self.kafka = kafka
        self.cloudflare = cloudflare
    }

    public struct Kafka: Sendable, Equatable {
        /// librdkafka properties, `bootstrap.servers`, `group.id` and `auto.offset.reset` included.
        /// May hold secrets (`sasl.password`): log `redactedProperties` instead.
        public var properties: [String: String]

        /// - Parameters:
        ///   - groupID: Default: `image-upload-worker`.
        ///   - autoOffsetReset: where a new group starts. Default: `earliest`.
        public init(bootstrapServers: String, groupID: String = "image-upload-worker", autoOffsetReset: String = "earliest", properties: [String: String] = [:]) {
            self.properties = properties
            self.properties["bootstrap.servers"] = bootstrapServers
            self.properties["group.id"] = groupID
            self.properties["auto.offset.reset"] = autoOffsetReset
        }

        /// The properties as the Kafka module's configuration, for the consumer and the producer
        /// (each adds the settings it owns).
        public var config: KafkaConfig { KafkaConfig(properties: properties) }

        public var bootstrapServers: String { properties["bootstrap.servers"] ?? "" }
        public var groupID: String { properties["group.id"] ?? "" }

        /// The properties with the values of secret-looking ones replaced by `<redacted>`.
        public var redactedProperties: [String: String] {
            properties.reduce(into: [:]) { out, p in out[p.key] = Self.isSensitive(p.key) ? "<redacted>" : p.value }
        }

        /// Properties whose values are credentials (passwords, secrets, private keys, tokens).
        public static func isSensitive(_ property: String) -> Bool {
            ["password", "secret", "token", "key.pem", "keystore", "sasl.oauthbearer.config", "sasl.jaas"].contains { property.contains($0) }
        }

        /// The environment variable that sets a property: `sasl.username` -> `KAFKA_SASL_USERNAME`.
        public static func variable(forProperty property: String) -> String {
            "KAFKA_" + property.uppercased().replacingOccurrences(of: ".", with: "_")
        }
    }

    public struct Cloudflare: Sendable, Equatable {
        public var accountID: String
        public var apiToken: Secret
        /// Default: https://api.cloudflare.com/client/v4
        public var baseURL: URL
        /// The file the token was read from, if it came from one (for logs).
        public var apiTokenFile: String?

        public static let defaultBaseURL = URL(string: "https://api.cloudflare.com/client/v4")!

        public init(accountID: String, apiToken: Secret, baseURL: URL = Cloudflare.defaultBaseURL) {
            self.accountID = accountID
            self.apiToken = apiToken
            self.baseURL = baseURL
        }
    }

    public struct Idempotency: Sendable, Equatable {
        /// Default: `.sqlite(path: "upload-worker.sqlite")` (in the working directory).
        public var store: Store = .sqlite(path: "upload-worker.sqlite")
        /// How long a successful upload is remembered; nil = forever. Default: nil.
        public var successTTL: Duration?
        /// How long a permanent failure is remembered (so a repeat fails without an API call);
        /// nil = not remembered. Default: nil.
        public var failureTTL: Duration?

        public init(store: Store = .sqlite(path: "upload-worker.sqlite"), successTTL: Duration? = nil, failureTTL: Duration? = nil) {
            self.store = store
            self.successTTL = successTTL
            self.failureTTL = failureTTL
        }

        /// Where the idempotency store lives: `IDEMPOTENCY_STORE=sqlite:<path>`, or `memory`
        /// (forgotten on exit; for tests and demos).
        public enum Store: Sendable, Equatable, CustomStringConvertible {
            case sqlite(path: String)
            case memory

            public var description: String {
                switch self {
                case .sqlite(let path): return "sqlite:\(path)"
                case .memory: return "memory"
                }
            }
        }
    }

    /// How image IDs are chosen when a request carries none (issue 4, `IMAGE_ID_MODE`).
    public enum ImageIDMode: String, Sendable, Equatable, CaseIterable {
        /// Cloudflare generates the ID.
        case cloudflare
        /// The worker derives the ID from the idempotency key, so that a crash between the upload
        /// and the store write cannot upload the same URL twice (the API answers 5409).
        case sourceHash = "source-hash"
    }

    public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
        public var host: String
        public var port: UInt16

        public init(host: String, port: UInt16) {
            self.host = host
            self.port = port
        }

        public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }
}
