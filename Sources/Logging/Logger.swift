import Foundation
import Synchronization

/// A structured logger shaped like swift-log's `Logger`: a label, a level, metadata, and one call per
/// level. Output goes through the process-wide `LoggingSystem`, so that the real swift-log could
/// replace this module by changing an import.
public struct Logger: Sendable {
    public enum Level: String, Sendable, CaseIterable, Comparable, Codable {
        case trace, debug, info, notice, warning, error, critical

        private var rank: Int { Self.allCases.firstIndex(of: self)! }
        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rank < rhs.rank }
    }

    public typealias Metadata = [String: MetadataValue]

    /// A metadata value: a string, or a nested list or dictionary.
    public enum MetadataValue: Sendable, Equatable, ExpressibleByStringLiteral,
        ExpressibleByStringInterpolation, ExpressibleByIntegerLiteral, CustomStringConvertible
    {
        case string(String)
        case array([MetadataValue])
        case dictionary(Metadata)

        public init(stringLiteral value: String) { self = .string(value) }
        public init(integerLiteral value: Int) { self = .string(String(value)) }

        public var description: String {
            switch self {
            case .string(let s): return s
            case .array(let a): return "[" + a.map(\.description).joined(separator: ", ") + "]"
            case .dictionary(let d):
                return "[" + d.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "]"
            }
        }
    }

    public let label: String
    public var logLevel: Level
    public var metadata: Metadata

    /// A logger whose level defaults to the one given to `LoggingSystem.bootstrap`.
    public init(label: String, metadata: Metadata = [:]) {
        self.label = label
        self.logLevel = LoggingSystem.defaultLevel
        self.metadata = metadata
    }

    public subscript(metadataKey key: String) -> MetadataValue? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    @inlinable
    public func log(level: Level, _ message: @autoclosure () -> String, metadata extra: @autoclosure () -> Metadata? = nil) {
        guard level >= logLevel else { return }
        var merged = metadata
        if let extra = extra() { merged.merge(extra) { _, new in new } }
        LoggingSystem.emit(LogRecord(timestamp: Date(), level: level, label: label, message: message(), metadata: merged))
    }

    @inlinable public func trace(_ m: @autoclosure () -> String, metadata: @autoclosure () -> Metadata? = nil) { log(level: .trace, m(), metadata: metadata()) }
    @inlinable public func debug(_ m: @autoclosure () -> String, metadata: @autoclosure () -> Metadata? = nil) { log(level: .debug, m(), metadata: metadata()) }
    @inlinable public func info(_ m: @autoclosure () -> String, metadata: @autoclosure () -> Metadata? = nil) { log(level: .info, m(), metadata: metadata()) }
    @inlinable public func notice(_ m: @autoclosure () -> String, metadata: @autoclosure () -> Metadata? = nil) { log(level: .notice, m(), metadata: metadata()) }
    @inlinable public func warning(_ m: @autoclosure () -> String, metadata: @autoclosure () -> Metadata? = nil) { log(level: .warning, m(), metadata: metadata()) }
    @inlinable public func error(_ m: @autoclosure () -> String, metadata: @autoclosure () -> Metadata? = nil) { log(level: .error, m(), metadata: metadata()) }
    @inlinable public func critical(_ m: @autoclosure () -> String, metadata: @autoclosure () -> Metadata? = nil) { log(level: .critical, m(), metadata: metadata()) }
}

/// One log line before formatting.
public struct LogRecord: Sendable {
    public var timestamp: Date
    public var level: Logger.Level
    public var label: String
    public var message: String
    public var metadata: Logger.Metadata

    public init(timestamp: Date, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) {
        self.timestamp = timestamp
        self.level = level
        self.label = label
        self.message = message
        self.metadata = metadata
    }
}
