import Foundation
import Logging
import Testing
@testable import UploadWorker

/// One row of the table-driven test: a valid value and what it must produce, and an invalid one.
struct SettingCase: Sendable, CustomTestStringConvertible {
    let variable: String
    let valid: String
    let check: @Sendable (WorkerConfiguration) -> Bool
    let invalid: String?
    var testDescription: String { variable }
}

@Suite("WorkerConfiguration")
struct ConfigurationTests {
    static let base = [
        "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:9092",
        "CLOUDFLARE_ACCOUNT_ID": "acc",
        "CLOUDFLARE_API_TOKEN": "tok",
    ]

    static let cases: [SettingCase] = [
        .init(variable: "KAFKA_BOOTSTRAP_SERVERS", valid: "a:1,b:2", check: { $0.kafka.bootstrapServers == "a:1,b:2" }, invalid: "a:1, b:2"),
        .init(variable: "KAFKA_GROUP_ID", valid: "g2", check: { $0.kafka.groupID == "g2" && $0.kafka.properties["group.id"] == "g2" }, invalid: "a\nb"),
        .init(variable: "KAFKA_AUTO_OFFSET_RESET", valid: "latest", check: { $0.kafka.properties["auto.offset.reset"] == "latest" }, invalid: "middle"),
        .init(variable: "REQUEST_TOPIC", valid: "req.v2", check: { $0.requestTopic == "req.v2" }, invalid: "bad topic"),
        .init(variable: "RESULT_TOPIC", valid: "res_v2", check: { $0.resultTopic == "res_v2" }, invalid: "a/b"),
        .init(variable: "ERROR_TOPIC", valid: "dlq-1", check: { $0.errorTopic == "dlq-1" }, invalid: ".."),
        .init(variable: "CLOUDFLARE_ACCOUNT_ID", valid: "0123abcd", check: { $0.cloudflare.accountID == "0123abcd" }, invalid: "acc/../x"),
        .init(variable: "CLOUDFLARE_API_TOKEN", valid: "tok2", check: { $0.cloudflare.apiToken.exposedValue == "tok2" }, invalid: "two words"),
        .init(variable: "CLOUDFLARE_API_BASE_URL", valid: "http://127.0.0.1:8080/client/v4/",
              check: { $0.cloudflare.baseURL.absoluteString == "http://127.0.0.1:8080/client/v4" }, invalid: "ftp://example.com"),
        .init(variable: "IDEMPOTENCY_STORE", valid: "sqlite:/tmp/x.db", check: { $0.idempotency.store == .sqlite(path: "/tmp/x.db") }, invalid: "postgres://db/x"),
        .init(variable: "IDEMPOTENCY_TTL", valid: "24h", check: { $0.idempotency.successTTL == .seconds(86_400) }, invalid: "soon"),
        .init(variable: "IDEMPOTENCY_NEGATIVE_TTL", valid: "10m", check: { $0.idempotency.failureTTL == .seconds(600) }, invalid: "10 minutes"),
        .init(variable: "IMAGE_ID_MODE", valid: "source-hash", check: { $0.imageIDMode == .sourceHash }, invalid: "random"),
        .init(variable: "MAX_IN_FLIGHT", valid: "128", check: { $0.maxInFlight == 128 }, invalid: "0"),
        .init(variable: "PARTITION_BUFFER", valid: "50", check: { $0.partitionBuffer == 50 }, invalid: "-3"),
        .init(variable: "UPLOAD_RATE", valid: "0.5", check: { $0.pacer.rate == 0.5 }, invalid: "fast"),
        .init(variable: "UPLOAD_BURST", valid: "1", check: { $0.pacer.burst == 1 }, invalid: "0"),
        .init(variable: "MAX_ATTEMPTS", valid: "1", check: { $0.retry.maxAttempts == 1 }, invalid: "101"),
        .init(variable: "RETRY_BASE_DELAY", valid: "200ms", check: { $0.retry.baseDelay == .milliseconds(200) }, invalid: "200"),
        .init(variable: "RETRY_MAX_DELAY", valid: "1m", check: { $0.retry.maxDelay == .seconds(60) }, invalid: "1x"),
        .init(variable: "RETRY_DEADLINE", valid: "90s", check: { $0.retry.deadline == .seconds(90) }, invalid: "0"),
        .init(variable: "SHUTDOWN_TIMEOUT", valid: "5s", check: { $0.shutdownTimeout == .seconds(5) }, invalid: "5sec"),
        .init(variable: "LIVENESS_TIMEOUT", valid: "2m", check: { $0.livenessTimeout == .seconds(120) }, invalid: "0"),
        .init(variable: "LOG_LEVEL", valid: "debug", check: { $0.logLevel == .debug }, invalid: "verbose"),
        .init(variable: "LOG_FORMAT", valid: "text", check: { $0.logFormat == .text }, invalid: "xml"),
        .init(variable: "METRICS_LISTEN", valid: "0.0.0.0:9100",
              check: { $0.metricsListen == .init(host: "0.0.0.0", port: 9100) }, invalid: "localhost"),
    ]

    private static func load(_ env: [String: String], flags: [String: String] = [:]) throws(ConfigurationError) -> WorkerConfiguration {
        try WorkerConfiguration.load(environment: env, flags: flags, readFile: { _ in throw CocoaError(.fileNoSuchFile) })
    }

    private static func loadError(_ env: [String: String], flags: [String: String] = [:],
                                  readFile: @escaping (String) throws -> String = { _ in throw CocoaError(.fileNoSuchFile) }) -> ConfigurationError? {
        do {
            _ = try WorkerConfiguration.load(environment: env, flags: flags, readFile: readFile)
            return nil
        } catch {
            return error
        }
    }

    @Test func everySettingHasATestCase() {
        let tested = Set(Self.cases.map(\.variable)).union(["CLOUDFLARE_API_TOKEN_FILE"])
        #expect(Set(WorkerConfiguration.settings.map(\.variable)) == tested)
    }

    @Test func theTableDefaultsAreTheStructDefaults() throws {
        let loaded = try Self.load(Self.base)
        let expected = WorkerConfiguration(
            kafka: .init(bootstrapServers: "127.0.0.1:9092"),
            cloudflare: .init(accountID: "acc", apiToken: Secret("tok")))
        #expect(loaded == expected)
        #expect(loaded.kafka.properties == ["bootstrap.servers": "127.0.0.1:9092", "group.id": "image-upload-worker", "auto.offset.reset": "earliest"])
        #expect(loaded.cloudflare.baseURL.absoluteString == "https://api.cloudflare.com/client/v4")
        #expect(loaded.idempotency.store == .sqlite(path: "upload-worker.sqlite"))
        #expect(loaded.maxInFlight == 64 && loaded.pacer == .init(rate: 4, burst: 10))
        #expect(loaded.retry == RetryPolicy(baseDelay: .milliseconds(500), maxDelay: .seconds(30), maxAttempts: 5, deadline: .seconds(300)))
        #expect(loaded.shutdownTimeout == .seconds(30) && loaded.metricsListen?.description == "127.0.0.1:9464")
        #expect(loaded.logFormat == .json && loaded.logLevel == .info && loaded.imageIDMode == .cloudflare)
    }

    @Test(arguments: cases)
    func aValidValueFromTheEnvironment(_ c: SettingCase) throws {
        var env = Self.base
        env[c.variable] = c.valid
        #expect(c.check(try Self.load(env)))
    }

    @Test(arguments: cases)
    func aValidValueFromTheFlagWinsOverTheEnvironment(_ c: SettingCase) throws {
        let setting = try #require(WorkerConfiguration.setting(c.variable))
        guard let flag = setting.flag else {
            #expect(c.variable == "CLOUDFLARE_API_TOKEN")  // the only setting kept off the command line
            return
        }
        var env = Self.base
        if let invalid = c.invalid { env[c.variable] = invalid }  // the flag must win over a bad variable too
        #expect(c.check(try Self.load(env, flags: [flag: c.valid])))
    }

    @Test(arguments: cases.filter { $0.invalid != nil })
    func anInvalidValueNamesTheVariable(_ c: SettingCase) throws {
        var env = Self.base
        env[c.variable] = c.invalid!
        let error = try #require(Self.loadError(env))
        #expect(error.variable == c.variable)
        #expect(error.description.hasPrefix("\(c.variable): invalid value"))
        #expect(!error.description.contains("\n"))
        let setting = try #require(WorkerConfiguration.setting(c.variable))
        if setting.isSecret {
            #expect(!error.description.contains(c.invalid!))
        } else {
            #expect(error.description.contains("'\(WorkerConfiguration.oneLine(c.invalid!))'"))
        }
        if let flag = setting.flag {
            let fromFlag = try #require(Self.loadError(Self.base, flags: [flag: c.invalid!]))
            #expect(fromFlag.variable == c.variable)
            #expect(fromFlag.message.contains("(from --\(flag))"))
        }
    }

    @Test(arguments: ["KAFKA_BOOTSTRAP_SERVERS", "CLOUDFLARE_ACCOUNT_ID", "CLOUDFLARE_API_TOKEN"])
    func aMissingRequiredSettingIsNamed(_ variable: String) throws {
        var env = Self.base
        env[variable] = nil
        let error = try #require(Self.loadError(env))
        #expect(error.variable == variable)
        #expect(error.message.hasPrefix("is required but not set"))
        env[variable] = ""  // empty counts as unset
        #expect(Self.loadError(env)?.variable == variable)
    }

    @Test(arguments: ["kafka-bootstrap-servers", "kafka-group-id", "cloudflare-account-id", "cloudflare-api-token-file", "max-in-flight", "request-topic"])
    func anEmptyFlagIsAnError(_ flag: String) throws {
        let error = try #require(Self.loadError(Self.base, flags: [flag: ""]))
        #expect(error.variable == flag.uppercased().replacingOccurrences(of: "-", with: "_"))
    }

    @Test func anEmptyVariableMeansTheDefaultButAnEmptyMetricsListenDisables() throws {
        var env = Self.base
        env["MAX_IN_FLIGHT"] = ""
        env["METRICS_LISTEN"] = ""
        let c = try Self.load(env)
        #expect(c.maxInFlight == 64)
        #expect(c.metricsListen == nil)
        env["METRICS_LISTEN"] = "off"
        #expect(try Self.load(env).metricsListen == nil)
        env["METRICS_LISTEN"] = ":0"
        #expect(try Self.load(env).metricsListen == .init(host: "0.0.0.0", port: 0))
        env["METRICS_LISTEN"] = "[::1]:9464"
        #expect(try Self.load(env).metricsListen?.description == "[::1]:9464")
        env["METRICS_LISTEN"] = "localhost:9100"
        #expect(try Self.load(env).metricsListen == .init(host: "127.0.0.1", port: 9100))
        for bad in ["metrics.internal:9464", "127.0.0.1:70000", "127.0.0.1", "1.2.3:80"] {
            env["METRICS_LISTEN"] = bad
            #expect(Self.loadError(env)?.variable == "METRICS_LISTEN")
        }
    }

    @Test func warnings() throws {
        #expect(try Self.load(Self.base).warnings.isEmpty)
        var env = Self.base
        env["UPLOAD_RATE"] = "off"
        env["CLOUDFLARE_API_BASE_URL"] = "http://images.internal/client/v4"
        env["PARTITION_BUFFER"] = "10"
        env["METRICS_LISTEN"] = ":9464"
        let warnings = try Self.load(env).warnings
        #expect(warnings.count == 4)
        #expect(warnings.allSatisfy { !$0.contains("\n") })
        env["CLOUDFLARE_API_BASE_URL"] = "http://127.0.0.1:8787/client/v4"
        #expect(try Self.load(env).warnings.count == 3)
    }

    @Test func storeLocations() throws {
        for (raw, expected) in [("sqlite:///var/lib/w.db", WorkerConfiguration.Idempotency.Store.sqlite(path: "/var/lib/w.db")),
                                ("SQLITE:rel/w.db", .sqlite(path: "rel/w.db")), ("memory", .memory)] {
            var env = Self.base
            env["IDEMPOTENCY_STORE"] = raw
            #expect(try Self.load(env).idempotency.store == expected)
        }
        for raw in ["sqlite:", "w.db", "postgres://db/x"] {
            var env = Self.base
            env["IDEMPOTENCY_STORE"] = raw
            #expect(Self.loadError(env)?.variable == "IDEMPOTENCY_STORE")
        }
    }

    @Test func pacingCanBeTurnedOff() throws {
        for raw in ["0", "off", "OFF"] {
            var env = Self.base
            env["UPLOAD_RATE"] = raw
            #expect(try Self.load(env).pacer.isPacing == false)
        }
    }

    @Test func theTokenIsReadFromItsFile() throws {
        var env = Self.base
        env["CLOUDFLARE_API_TOKEN"] = nil
        env["CLOUDFLARE_API_TOKEN_FILE"] = "/run/secrets/cf"
        let c = try WorkerConfiguration.load(environment: env, readFile: { path in
            #expect(path == "/run/secrets/cf")
            return "  file-token\n"
        })
        #expect(c.cloudflare.apiToken.exposedValue == "file-token")
        #expect(c.cloudflare.apiTokenFile == "/run/secrets/cf")
    }

    @Test func theTokenFileIsReadFromDisk() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("token-\(UUID().uuidString)").path
        try "disk-token\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var env = Self.base
        env["CLOUDFLARE_API_TOKEN"] = nil
        let c = try WorkerConfiguration.load(environment: env, flags: ["cloudflare-api-token-file": path])
        #expect(c.cloudflare.apiToken.exposedValue == "disk-token")
    }

    @Test func tokenFileErrors() throws {
        var env = Self.base
        env["CLOUDFLARE_API_TOKEN_FILE"] = "/nonexistent/token"
        let both = try #require(Self.loadError(env))
        #expect(both.variable == "CLOUDFLARE_API_TOKEN_FILE")
        #expect(both.message.contains("not both"))

        env["CLOUDFLARE_API_TOKEN"] = nil
        let missing = try #require(Self.loadError(env, readFile: WorkerConfiguration.readTextFile))
        #expect(missing == ConfigurationError(variable: "CLOUDFLARE_API_TOKEN_FILE", message: "cannot read '/nonexistent/token': No such file or directory"))
        env["CLOUDFLARE_API_TOKEN_FILE"] = "/"
        let directory = try #require(Self.loadError(env, readFile: WorkerConfiguration.readTextFile))
        #expect(directory.message == "cannot read '/': Is a directory")
        env["CLOUDFLARE_API_TOKEN_FILE"] = "/nonexistent/token"

        let empty = try #require(Self.loadError(env, readFile: { _ in "\n" }))
        #expect(empty.variable == "CLOUDFLARE_API_TOKEN_FILE")
        let twoLines = try #require(Self.loadError(env, readFile: { _ in "secret-one\nsecret-two\n" }))
        #expect(twoLines.variable == "CLOUDFLARE_API_TOKEN_FILE")
        #expect(!twoLines.description.contains("secret-one"))
    }

    @Test func theTokenNeverShows() throws {
        var env = Self.base
        env["CLOUDFLARE_API_TOKEN"] = "s3cr3t-value"
        env["KAFKA_SASL_PASSWORD"] = "kafka-pw"
        let c = try Self.load(env)
        let token = c.cloudflare.apiToken
        #expect("\(token)" == "<redacted>")
        #expect(String(reflecting: token) == "<redacted>")
        var dumped = ""
        dump(c, to: &dumped)
        #expect(!dumped.contains("s3cr3t-value"))
        let metadata = "\(c.logMetadata)"
        #expect(!metadata.contains("s3cr3t-value") && !metadata.contains("kafka-pw"))
        #expect(c.logMetadata["kafka"] == .dictionary([
            "bootstrap.servers": "127.0.0.1:9092", "group.id": "image-upload-worker",
            "auto.offset.reset": "earliest", "sasl.password": "<redacted>",
        ]))
        env["CLOUDFLARE_API_TOKEN"] = "s3cr3t value"
        let error = try #require(Self.loadError(env))
        #expect(!error.description.contains("s3cr3t"))
    }

    @Test func kafkaVariablesPassThroughAsProperties() throws {
        var env = Self.base
        env["KAFKA_SASL_USERNAME"] = "user"
        env["KAFKA_SECURITY_PROTOCOL"] = "sasl_ssl"
        env["KAFKA_STATISTICS_INTERVAL_MS"] = "5000"
        env["KAFKA_ENABLE_AUTO_OFFSET_STORE"] = "false"
        env["KAFKA_CLIENT_ID"] = ""  // empty: unset
        let c = try Self.load(env, flags: ["kafka-group-id": "from-flag"])
        #expect(c.kafka.properties == [
            "bootstrap.servers": "127.0.0.1:9092", "group.id": "from-flag", "auto.offset.reset": "earliest",
            "sasl.username": "user", "security.protocol": "sasl_ssl", "statistics.interval.ms": "5000",
            "enable.auto.offset.store": "false",
        ])
        #expect(WorkerConfiguration.Kafka.variable(forProperty: "sasl.username") == "KAFKA_SASL_USERNAME")
    }

    @Test(arguments: [
        ("KAFKA_", "x", "is not a librdkafka property"),
        ("KAFKA_FOO-BAR", "x", "is not a librdkafka property"),
        ("KAFKA_ENABLE_AUTO_OFFSET_STORE", "true", "must not be enabled"),
        ("KAFKA_HOME", "/opt/kafka", "librdkafka refuses it: unknown property"),
        ("KAFKA_SESSION_TIMEOUT_MS", "soon", "librdkafka refuses it: invalid value"),
        ("KAFKA_SECURITY_PROTOCOL", "carrier-pigeon", "librdkafka refuses it: invalid value"),
        ("KAFKA_SECURITY_PROTOCOL", "ssl\nplaintext", "librdkafka refuses it: invalid value"),
    ])
    func badKafkaVariablesAreNamed(_ variable: String, _ value: String, _ message: String) throws {
        var env = Self.base
        env[variable] = value
        let error = try #require(Self.loadError(env))
        #expect(error.variable == variable)
        #expect(error.message.hasPrefix(message))
        #expect(!error.description.contains("\n"))
    }

    @Test func retryMaxDelayMustNotBeShorterThanTheBase() throws {
        var env = Self.base
        env["RETRY_BASE_DELAY"] = "2s"
        env["RETRY_MAX_DELAY"] = "1s"
        #expect(Self.loadError(env) == ConfigurationError(variable: "RETRY_MAX_DELAY", message: "must not be shorter than RETRY_BASE_DELAY"))
    }

    @Test(arguments: [
        ("200ms", Duration.milliseconds(200)), ("30s", .seconds(30)), ("5m", .seconds(300)), ("1h", .seconds(3600)),
        ("1.5s", .milliseconds(1500)), ("1m30s", .seconds(90)), ("0", .zero), ("0s", .zero), (" 10s ", .seconds(10)),
    ])
    func durations(_ raw: String, _ expected: Duration) throws {
        #expect(try SettingParsers.duration(raw) == expected)
    }

    @Test(arguments: ["", "30", "-1s", "5 m", "1d", "s", "1.2.3s", "ms", "1e3s", "99999999999h"])
    func invalidDurations(_ raw: String) {
        #expect(throws: SettingValueError.self) { try SettingParsers.duration(raw) }
    }

    @Test func flagsAreDerivedFromVariablesAndUnique() {
        let flags = WorkerConfiguration.settings.compactMap(\.flag)
        #expect(Set(flags).count == flags.count)
        for s in WorkerConfiguration.settings {
            if let flag = s.flag { #expect(flag == s.variable.lowercased().replacingOccurrences(of: "_", with: "-")) }
        }
        #expect(WorkerConfiguration.setting("MAX_IN_FLIGHT")?.flag == "max-in-flight")
    }

    @Test func helpListsEverySettingWithItsDefault() {
        for s in WorkerConfiguration.settings {
            let inHelp = s.flag != nil || WorkerConfiguration.helpDiscussion.contains(s.variable)
            #expect(inHelp, "\(s.variable) is missing from --help")
            #expect(WorkerConfiguration.help(for: s).contains("[env: \(s.variable)]"))
            #expect(WorkerConfiguration.markdownTable.contains("| `\(s.variable)` |"))
            if let d = s.defaultValue { #expect(WorkerConfiguration.markdownTable.contains("`\(d)`")) }
        }
    }

    /// docs/configuration.md carries the generated table; regenerate with
    /// `upload-worker run --markdown` when a setting changes.
    @Test func theDocsMatchTheTable() throws {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let docs = try String(contentsOf: repo.appendingPathComponent("docs/configuration.md"), encoding: .utf8)
        #expect(docs.contains(WorkerConfiguration.markdownTable), "docs/configuration.md is out of date: regenerate its table with `upload-worker run --markdown`")
    }
}
