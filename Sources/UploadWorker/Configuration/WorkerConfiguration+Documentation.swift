import Logging

extension WorkerConfiguration {
    /// The help text of a setting as `--help` shows it (the frame adds the default).
    public static func help(for setting: Setting) -> String {
        var s = setting.summary
        if setting.isRequired { s += " Required." }
        return s + " [env: \(setting.variable)]"
    }

    /// What `--help` says after the options: the settings without a flag and the passthrough.
    public static var helpDiscussion: String {
        var lines = [
            "CONFIGURATION:",
            "  Every option can also be set by the environment variable in brackets; a flag wins over",
            "  its variable, and an empty variable counts as unset. Durations: 200ms, 30s, 5m, 1h, 1m30s.",
            "",
            "  Environment only:",
        ]
        for s in settings where s.flag == nil {
            lines.append("    \(s.variable)  \(s.summary)")
        }
        lines += [
            "    KAFKA_<PROPERTY>  Any librdkafka property: KAFKA_SASL_USERNAME sets sasl.username",
            "                      (lower-cased, '_' -> '.'), e.g. KAFKA_SECURITY_PROTOCOL=sasl_ssl.",
            "",
            "  Errors in the configuration are reported as one line naming the variable, exit code 2.",
        ]
        return lines.joined(separator: "\n")
    }

    /// docs/configuration.md's table, generated so that the docs match the code.
    public static var markdownTable: String {
        func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
        var out = "| Variable | Flag | Default | Meaning |\n|---|---|---|---|\n"
        for s in settings {
            let flag = s.flag.map { "`--\($0) <\(s.valueName)>`" } ?? "(environment only)"
            let def = s.defaultValue.map { "`\($0)`" } ?? (s.isRequired ? "required" : "none")
            out += "| `\(s.variable)` | \(flag) | \(def) | \(cell(s.summary)) |\n"
        }
        out += "| `KAFKA_<PROPERTY>` | (environment only) | | Any other librdkafka property, lower-cased with `_` -> `.`: `KAFKA_SASL_USERNAME` sets `sasl.username`. |\n"
        return out
    }

    /// The whole configuration for a startup log line, with every secret redacted.
    public var logMetadata: Logger.Metadata {
        var kafkaProperties: Logger.Metadata = [:]
        for (k, v) in kafka.redactedProperties { kafkaProperties[k] = .string(v) }
        return [
            "kafka": .dictionary(kafkaProperties),
            "requestTopic": .string(requestTopic),
            "resultTopic": .string(resultTopic),
            "errorTopic": .string(errorTopic),
            "cloudflareAccountID": .string(cloudflare.accountID),
            "cloudflareAPIToken": .string(cloudflare.apiTokenFile.map { "<redacted, from \($0)>" } ?? "<redacted>"),
            "cloudflareBaseURL": .string(cloudflare.baseURL.absoluteString),
            "idempotencyStore": .string(idempotency.store.description),
            "idempotencyTTL": .string(idempotency.successTTL.map(Self.format) ?? "forever"),
            "idempotencyNegativeTTL": .string(idempotency.failureTTL.map(Self.format) ?? "0"),
            "imageIDMode": .string(imageIDMode.rawValue),
            "maxInFlight": .string(String(maxInFlight)),
            "partitionBuffer": .string(String(partitionBuffer)),
            "uploadRate": .string(pacer.isPacing ? String(pacer.rate) : "off"),
            "uploadBurst": .string(String(pacer.burst)),
            "maxAttempts": .string(String(retry.maxAttempts)),
            "retryBaseDelay": .string(Self.format(retry.baseDelay)),
            "retryMaxDelay": .string(Self.format(retry.maxDelay)),
            "retryDeadline": .string(Self.format(retry.deadline)),
            "shutdownTimeout": .string(Self.format(shutdownTimeout)),
            "livenessTimeout": .string(Self.format(livenessTimeout)),
            "logLevel": .string(logLevel.rawValue),
            "logFormat": .string(logFormat.rawValue),
            "metricsListen": .string(metricsListen?.description ?? "off"),
        ]
    }

    /// A duration the way the settings are written: `500ms`, `30s`, `5m`.
    static func format(_ d: Duration) -> String {
        let ms = d / .milliseconds(1)
        if ms == 0 { return "0" }
        if ms.truncatingRemainder(dividingBy: 60_000) == 0 { return "\(Int(ms / 60_000))m" }
        if ms.truncatingRemainder(dividingBy: 1000) == 0 { return "\(Int(ms / 1000))s" }
        if ms == ms.rounded() { return "\(Int(ms))ms" }
        return "\(ms)ms"
    }
}
