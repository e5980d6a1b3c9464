import CRdKafka
import Foundation

extension KafkaConfig {
    /// The prefix of environment variables that become librdkafka properties.
    public static let environmentPrefix = "KAFKA_"

    /// Maps every `KAFKA_<NAME>` variable to librdkafka property `<name>` lower-cased with `_`
    /// replaced by `.`: `KAFKA_BOOTSTRAP_SERVERS` -> `bootstrap.servers`,
    /// `KAFKA_SASL_MECHANISMS` -> `sasl.mechanisms`, `KAFKA_SSL_CA_LOCATION` -> `ssl.ca.location`.
    /// Variables named in `ignoring` (full names, e.g. `KAFKA_TOPIC`) are left out, for settings
    /// that belong to the application rather than to librdkafka.
    public static func properties(
        fromEnvironment environment: [String: String] = ProcessInfo.processInfo.environment,
        ignoring: Set<String> = []
    ) -> [String: String] {
        var result: [String: String] = [:]
        for (variable, value) in environment {
            guard let name = propertyName(forVariable: variable), !ignoring.contains(variable) else { continue }
            result[name] = value
        }
        return result
    }

    /// The librdkafka property a `KAFKA_*` variable maps to, or nil for other variables.
    public static func propertyName(forVariable variable: String) -> String? {
        guard variable.hasPrefix(environmentPrefix), variable.count > environmentPrefix.count else { return nil }
        return variable.dropFirst(environmentPrefix.count).lowercased().replacingOccurrences(of: "_", with: ".")
    }

    /// `base` with every `KAFKA_*` variable applied on top (the environment wins). Each property is
    /// checked with librdkafka; an error names the variable, the property and the value (secrets
    /// masked).
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        ignoring: Set<String> = [],
        base: KafkaConfig = KafkaConfig()
    ) throws(KafkaError) {
        self = base
        var variableOfProperty: [String: String] = [:]
        for (variable, value) in environment.sorted(by: { $0.key < $1.key }) {
            guard let name = Self.propertyName(forVariable: variable), !ignoring.contains(variable) else { continue }
            properties[name] = value
            variableOfProperty[name] = variable
        }
        let conf = try makeNativeConf { name in
            variableOfProperty[name].map { "\($0) (property '\(name)')" } ?? "property '\(name)'"
        }
        rd_kafka_conf_destroy(conf)
    }
}
