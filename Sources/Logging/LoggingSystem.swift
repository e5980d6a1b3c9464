import Foundation
import Synchronization

/// Where log records go. Handlers must be thread-safe: records arrive from any thread.
public protocol LogHandler: Sendable {
    func write(_ record: LogRecord)
}

/// The process-wide log destination, like swift-log's `LoggingSystem`.
public enum LoggingSystem {
    private struct State {
        var handler: any LogHandler = StreamLogHandler(format: .text, stream: .standardError)
        var level: Logger.Level = .info
    }
    private static let state = Mutex(State())

    /// Sets the handler and the default level of loggers made from now on.
    public static func bootstrap(_ handler: any LogHandler, level: Logger.Level = .info) {
        state.withLock {
            $0.handler = handler
            $0.level = level
        }
    }

    public static var defaultLevel: Logger.Level { state.withLock { $0.level } }

    @usableFromInline
    static func emit(_ record: LogRecord) {
        let handler = state.withLock { $0.handler }
        handler.write(record)
    }
}

/// Writes one line per record to stdout or stderr, as JSON or as `key=value` text.
public struct StreamLogHandler: LogHandler {
    public enum Format: String, Sendable, CaseIterable { case json, text }
    public enum Stream: Sendable { case standardOutput, standardError }

    public let format: Format
    public let stream: Stream

    public init(format: Format, stream: Stream = .standardError) {
        self.format = format
        self.stream = stream
    }

    public func write(_ record: LogRecord) {
        var line = format == .json ? Self.json(record) : Self.text(record)
        line.append("\n")
        let fd = stream == .standardOutput ? STDOUT_FILENO : STDERR_FILENO
        // One write(2) per line keeps lines from different threads whole.
        line.withUTF8 { buf in
            var offset = 0
            let count = buf.count
            while offset < count {
                let n = Foundation.write(fd, buf.baseAddress! + offset, count - offset)
                if n <= 0 { break }
                offset += n
            }
        }
    }

    static func text(_ r: LogRecord) -> String {
        var s = "\(Timestamp.iso8601(r.timestamp)) \(r.level.rawValue.uppercased()) \(r.label): \(r.message)"
        for (key, value) in r.metadata.sorted(by: { $0.key < $1.key }) {
            s += " \(key)=\(value)"
        }
        return s
    }

    static func json(_ r: LogRecord) -> String {
        // Appends into one reserved buffer: interpolations made a temporary string per field.
        var s = "{\"ts\":"
        s.reserveCapacity(192 + r.message.utf8.count + r.metadata.count * 32)
        s += JSONText.quote(Timestamp.iso8601(r.timestamp))
        s += ",\"level\":\""
        s += r.level.rawValue
        s += "\",\"logger\":"
        s += JSONText.quote(r.label)
        s += ",\"msg\":"
        s += JSONText.quote(r.message)
        for (key, value) in r.metadata.sorted(by: { $0.key < $1.key }) {
            s += ","
            s += JSONText.quote(key)
            s += ":"
            s += JSONText.value(value)
        }
        s += "}"
        return s
    }
}

/// Collects records in memory; for tests that assert what was logged.
public final class RecordingLogHandler: LogHandler {
    private let records = Mutex<[LogRecord]>([])
    public init() {}
    public func write(_ record: LogRecord) { records.withLock { $0.append(record) } }
    public var recorded: [LogRecord] { records.withLock { $0 } }
}

enum Timestamp {
    static func iso8601(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}

enum JSONText {
    static func quote(_ s: String) -> String {
        // Most values need no escaping: one pass over the bytes, then a plain concatenation
        // (the scalar-by-scalar path below costs several microseconds per log line).
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            return "\"" + s + "\""
        }
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static func value(_ v: Logger.MetadataValue) -> String {
        switch v {
        case .string(let s): return quote(s)
        case .array(let a): return "[" + a.map(value).joined(separator: ",") + "]"
        case .dictionary(let d):
            return "{" + d.sorted { $0.key < $1.key }.map { "\(quote($0.key)):\(value($0.value))" }.joined(separator: ",") + "}"
        }
    }
}
