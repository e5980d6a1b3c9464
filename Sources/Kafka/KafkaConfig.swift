import CRdKafka

/// librdkafka configuration: a raw property dictionary, with typed accessors for the settings this
/// project uses. Every typed accessor reads and writes `properties`, so the two never disagree;
/// anything without an accessor (SASL, SSL, tuning) goes straight into `properties` under
/// librdkafka's own name (see CONFIGURATION.md of librdkafka 2.0.2), or comes from the
/// environment (`KafkaConfig(environment:)`, `KAFKA_*`).
///
/// Unless noted, an unset accessor (nil) means librdkafka's default, given as `Default:`.
/// `KafkaConsumer` and `KafkaProducer` add a few properties of their own; see their docs.
public struct KafkaConfig: Sendable, Equatable {
    /// librdkafka property name -> value, applied as given.
    public var properties: [String: String]

    public init(bootstrapServers: String? = nil, properties: [String: String] = [:]) {
        self.properties = properties
        if let bootstrapServers { self.bootstrapServers = bootstrapServers }
    }

    public subscript(property: String) -> String? {
        get { properties[property] }
        set { properties[property] = newValue }
    }

    /// `bootstrap.servers`: `host:port,host:port`. Default: none (required).
    public var bootstrapServers: String? {
        get { properties["bootstrap.servers"] }
        set { properties["bootstrap.servers"] = newValue }
    }

    /// `client.id`. Default: `rdkafka`.
    public var clientID: String? {
        get { properties["client.id"] }
        set { properties["client.id"] = newValue }
    }

    /// `group.id`, required by `KafkaConsumer`. Default: none.
    public var groupID: String? {
        get { properties["group.id"] }
        set { properties["group.id"] = newValue }
    }

    /// `session.timeout.ms`: how long the group waits for a silent member. Default: 45 s.
    public var sessionTimeout: Duration? {
        get { milliseconds("session.timeout.ms") }
        set { setMilliseconds("session.timeout.ms", newValue) }
    }

    /// `heartbeat.interval.ms`. Default: 3 s.
    public var heartbeatInterval: Duration? {
        get { milliseconds("heartbeat.interval.ms") }
        set { setMilliseconds("heartbeat.interval.ms", newValue) }
    }

    /// `max.poll.interval.ms`. Default: 300 s. (In 2.0.2 any poll resets this timer, so a stalled
    /// processing loop is not detected by it; watch liveness in the application.)
    public var maxPollInterval: Duration? {
        get { milliseconds("max.poll.interval.ms") }
        set { setMilliseconds("max.poll.interval.ms", newValue) }
    }

    /// `auto.offset.reset`: where a group without a committed offset starts. Default: `.latest`.
    public var autoOffsetReset: AutoOffsetReset? {
        get { properties["auto.offset.reset"].flatMap(AutoOffsetReset.init(rawValue:)) }
        set { properties["auto.offset.reset"] = newValue?.rawValue }
    }

    /// `partition.assignment.strategy`. Every member of a group must use the same one.
    /// Default: `range,roundrobin` (eager).
    public var assignmentStrategy: AssignmentStrategy? {
        get { properties["partition.assignment.strategy"].flatMap(AssignmentStrategy.init(rawValue:)) }
        set { properties["partition.assignment.strategy"] = newValue?.rawValue }
    }

    /// `enable.auto.commit`: commit stored offsets every `autoCommitInterval` (and on revoke and
    /// close). Only offsets stored with `KafkaConsumer.storeOffsets` are ever committed.
    /// Default: true.
    public var enableAutoCommit: Bool? {
        get { bool("enable.auto.commit") }
        set { properties["enable.auto.commit"] = newValue.map { $0 ? "true" : "false" } }
    }

    /// `auto.commit.interval.ms`. Default: 5 s.
    public var autoCommitInterval: Duration? {
        get { milliseconds("auto.commit.interval.ms") }
        set { setMilliseconds("auto.commit.interval.ms", newValue) }
    }

    /// `fetch.wait.max.ms`: how long a broker holds an empty fetch. Default: 500 ms.
    public var fetchWaitMax: Duration? {
        get { milliseconds("fetch.wait.max.ms") }
        set { setMilliseconds("fetch.wait.max.ms", newValue) }
    }

    /// `enable.idempotence`. `KafkaProducer` turns it on unless this is explicitly false.
    /// Default (for `KafkaProducer`): true.
    public var enableIdempotence: Bool? {
        get { bool("enable.idempotence") }
        set { properties["enable.idempotence"] = newValue.map { $0 ? "true" : "false" } }
    }

    /// `acks`. Default: `.all`.
    public var acks: Acks? {
        get { properties["acks"].flatMap(Acks.init(rawValue:)) }
        set { properties["acks"] = newValue?.rawValue }
    }

    /// `message.timeout.ms`: how long the producer tries to deliver a record before its `send`
    /// fails. Default: 300 s.
    public var messageTimeout: Duration? {
        get { milliseconds("message.timeout.ms") }
        set { setMilliseconds("message.timeout.ms", newValue) }
    }

    /// `linger.ms`: how long the producer waits to fill a batch. Default: 5 ms.
    public var linger: Duration? {
        get { milliseconds("linger.ms") }
        set { setMilliseconds("linger.ms", newValue) }
    }

    /// `debug`: librdkafka debug contexts (e.g. `cgrp,topic,fetch`), logged at debug level.
    /// Default: none.
    public var debug: String? {
        get { properties["debug"] }
        set { properties["debug"] = newValue }
    }

    public enum AutoOffsetReset: String, Sendable {
        case earliest, latest
        /// Fail the consume with an error instead of choosing.
        case error
    }

    public enum AssignmentStrategy: String, Sendable {
        case range
        case roundRobin = "roundrobin"
        /// Incremental rebalancing: only moved partitions are revoked.
        case cooperativeSticky = "cooperative-sticky"
    }

    public enum Acks: String, Sendable {
        case none = "0"
        case leader = "1"
        case all = "all"
    }

    /// Checks every property against librdkafka; the error names the property and the value.
    public func validate() throws(KafkaError) {
        let conf = try makeNativeConf()
        rd_kafka_conf_destroy(conf)
    }
}

extension KafkaConfig {
    private func milliseconds(_ name: String) -> Duration? {
        properties[name].flatMap(Int64.init).map { .milliseconds($0) }
    }

    private mutating func setMilliseconds(_ name: String, _ value: Duration?) {
        properties[name] = value.map { String(Self.milliseconds(of: $0)) }
    }

    private func bool(_ name: String) -> Bool? {
        switch properties[name]?.lowercased() {
        case "true", "1": return true
        case "false", "0": return false
        default: return nil
        }
    }

    static func milliseconds(of duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// The value as it may appear in an error or a log line: secrets are masked.
    static func printable(property: String, value: String) -> String {
        let name = property.lowercased()
        let secret = ["password", "secret", "token", "key.pem", "sasl.jaas", "keystore"].contains { name.contains($0) }
        return secret ? "***" : value
    }

    /// A new `rd_kafka_conf_t` with every property set; the caller owns it (`rd_kafka_new` takes it
    /// over on success, otherwise `rd_kafka_conf_destroy`).
    func makeNativeConf(origin: (String) -> String = { "property '\($0)'" }) throws(KafkaError) -> OpaquePointer {
        let conf = rd_kafka_conf_new()!
        for (name, value) in properties.sorted(by: { $0.key < $1.key }) {
            var errstr = [CChar](repeating: 0, count: 512)
            let result = rd_kafka_conf_set(conf, name, value, &errstr, errstr.count)
            guard result == RD_KAFKA_CONF_OK else {
                rd_kafka_conf_destroy(conf)
                let reason = String(cBuffer: errstr)
                let kind = result == RD_KAFKA_CONF_UNKNOWN ? "unknown property" : "invalid value"
                throw .invalidArgument(
                    "\(kind) for \(origin(name)) = '\(Self.printable(property: name, value: value))': \(reason)")
            }
        }
        return conf
    }
}
