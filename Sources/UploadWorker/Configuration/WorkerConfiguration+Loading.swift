import Foundation
import Kafka

extension WorkerConfiguration {
    /// Reads every setting: a flag wins over its environment variable, which wins over the default.
    /// An empty variable counts as unset (except `METRICS_LISTEN`, where empty disables).
    ///
    /// Every `KAFKA_<NAME>` variable becomes the librdkafka property `<name>` (lower-cased, `_` ->
    /// `.`), e.g. `KAFKA_SASL_USERNAME` -> `sasl.username`; the listed `KAFKA_*` settings and their
    /// flags come on top. `auto.offset.reset` defaults to `earliest`.
    ///
    /// - Parameters:
    ///   - environment: the process environment.
    ///   - flags: flag values by flag name without `--` (e.g. `["max-in-flight": "128"]`).
    ///   - readFile: reads `CLOUDFLARE_API_TOKEN_FILE`; replaceable in tests.
    /// - Throws: the first setting that is missing or wrong, naming its variable.
    public static func load(
        environment: [String: String],
        flags: [String: String] = [:],
        readFile: (String) throws -> String = WorkerConfiguration.readTextFile
    ) throws(ConfigurationError) -> WorkerConfiguration {
        var c = WorkerConfiguration(
            kafka: Kafka(bootstrapServers: ""),
            cloudflare: Cloudflare(accountID: "", apiToken: Secret("")))
        c.kafka.properties = try kafkaPassthrough(environment)

        var given: Set<String> = []
        for setting in settings {
            let value: (raw: String, source: String)
            if let flag = setting.flag, let raw = flags[flag] {
                value = (raw, " (from --\(flag))")
            } else if let raw = environment[setting.variable], !raw.isEmpty || setting.emptyIsValue {
                value = (raw, "")
            } else if let raw = setting.defaultValue {
                value = (raw, " (the default)")
            } else {
                if setting.isRequired { throw ConfigurationError(variable: setting.variable, message: "is required but not set") }
                continue
            }
            if value.source != " (the default)" { given.insert(setting.variable) }
            do {
                try setting.apply(value.raw, &c)
            } catch {
                let shown = setting.isSecret ? "the value" : "'\(Self.oneLine(value.raw))'"
                throw ConfigurationError(variable: setting.variable, message: "invalid value \(shown)\(value.source): \(error.expected)")
            }
        }

        try validateKafkaProperties(c.kafka.properties)
        try resolveToken(&c, given: given, readFile: readFile)
        guard c.retry.maxDelay >= c.retry.baseDelay else {
            throw ConfigurationError(variable: "RETRY_MAX_DELAY", message: "must not be shorter than RETRY_BASE_DELAY")
        }
        return c
    }

    /// The value with control characters escaped, so that the error stays one line.
    static func oneLine(_ raw: String) -> String {
        var out = ""
        for scalar in raw.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: out += String(format: "\\u{%02x}", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `load` with the process environment.
    public static func fromEnvironment(flags: [String: String] = [:]) throws(ConfigurationError) -> WorkerConfiguration {
        try load(environment: ProcessInfo.processInfo.environment, flags: flags)
    }

    static func kafkaPassthrough(_ environment: [String: String]) throws(ConfigurationError) -> [String: String] {
        var properties: [String: String] = [:]
        let nameCharacters = Set("abcdefghijklmnopqrstuvwxyz0123456789.")
        for (variable, value) in environment where variable.hasPrefix("KAFKA_") && !value.isEmpty {
            let property = variable.dropFirst("KAFKA_".count).lowercased().replacingOccurrences(of: "_", with: ".")
            guard !property.isEmpty, property.allSatisfy(nameCharacters.contains), !property.hasPrefix("."), !property.hasSuffix(".") else {
                throw ConfigurationError(variable: variable, message: "is not a librdkafka property (KAFKA_<PROPERTY>, e.g. KAFKA_SASL_USERNAME)")
            }
            // The worker stores an offset only after the record's terminal event is acknowledged;
            // letting librdkafka store offsets itself would commit records not yet done.
            if property == "enable.auto.offset.store", value.lowercased() != "false" {
                throw ConfigurationError(variable: variable, message: "must not be enabled: the worker stores offsets itself, after each result is acknowledged")
            }
            properties[property] = value
        }
        return properties
    }

    /// Each property checked by librdkafka itself, so that a misspelt or mistyped `KAFKA_*`
    /// variable fails here, with its name, before anything connects.
    static func validateKafkaProperties(_ properties: [String: String]) throws(ConfigurationError) {
        for (name, value) in properties.sorted(by: { $0.key < $1.key }) {
            do {
                try KafkaConfig(properties: [name: value]).validate()
            } catch {
                throw ConfigurationError(variable: Kafka.variable(forProperty: name), message: "librdkafka refuses it: \(error.message)")
            }
        }
    }

    private static func resolveToken(_ c: inout WorkerConfiguration, given: Set<String>, readFile: (String) throws -> String) throws(ConfigurationError) {
        let hasToken = given.contains("CLOUDFLARE_API_TOKEN")
        switch (hasToken, c.cloudflare.apiTokenFile) {
        case (true, .some):
            throw ConfigurationError(variable: "CLOUDFLARE_API_TOKEN_FILE", message: "set either CLOUDFLARE_API_TOKEN or CLOUDFLARE_API_TOKEN_FILE, not both")
        case (false, nil):
            throw ConfigurationError(variable: "CLOUDFLARE_API_TOKEN", message: "is required but not set (or set CLOUDFLARE_API_TOKEN_FILE)")
        case (true, nil):
            return
        case (false, .some(let path)):
            let contents: String
            do {
                contents = try readFile(path)
            } catch {
                let reason = (error as? TextFileError)?.reason ?? (error as NSError).localizedDescription
                throw ConfigurationError(variable: "CLOUDFLARE_API_TOKEN_FILE", message: "cannot read '\(path)': \(reason)")
            }
            let token = contents.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.isEmpty, !token.contains(where: { $0.isWhitespace || $0.isNewline }) else {
                throw ConfigurationError(variable: "CLOUDFLARE_API_TOKEN_FILE", message: "'\(path)' must hold one token without spaces")
            }
            c.cloudflare.apiToken = Secret(token)
        }
    }
}

/// Why a file could not be read, in the words of `strerror`.
struct TextFileError: Error {
    let reason: String
}

extension WorkerConfiguration {
    /// Reads a small UTF-8 file (a secret), reporting failures as `strerror` says them.
    public static func readTextFile(_ path: String) throws -> String {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw TextFileError(reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 { throw TextFileError(reason: String(cString: strerror(errno))) }
            if n == 0 { break }
            bytes += buffer[0..<n]
            if bytes.count > 64 * 1024 { throw TextFileError(reason: "larger than 64 KiB, not a token") }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw TextFileError(reason: "not UTF-8 text") }
        return text
    }
}
