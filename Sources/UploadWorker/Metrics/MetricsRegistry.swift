import Synchronization

/// Holds every metric of the process and renders them in the Prometheus text format
/// (`render()`, see MetricsRegistry+Prometheus.swift).
///
/// Asking twice for one name and label set returns the same metric, so callers may look
/// metrics up when they need them; a name used with two types, or an invalid name, is a bug and
/// stops the process.
public final class MetricsRegistry: Sendable {
    enum Kind: String, Sendable { case counter, gauge, histogram }

    enum Metric: Sendable {
        case counter(Counter)
        case gauge(Gauge)
        case histogram(Histogram)
    }

    struct Family: Sendable {
        let name: String
        let help: String
        let kind: Kind
        let buckets: [Double]
        /// By canonical label key (labels sorted by name).
        var series: [String: Metric] = [:]
    }

    private let families = Mutex<[String: Family]>([:])

    public init() {}

    public func counter(_ name: String, help: String, labels: [(String, String)] = []) -> Counter {
        guard case .counter(let c) = metric(name, help: help, kind: .counter, buckets: [], labels: labels, make: {
            .counter(Counter(name: name, labels: labels))
        }) else { fatalError("unreachable") }
        return c
    }

    public func gauge(_ name: String, help: String, labels: [(String, String)] = []) -> Gauge {
        guard case .gauge(let g) = metric(name, help: help, kind: .gauge, buckets: [], labels: labels, make: {
            .gauge(Gauge(name: name, labels: labels))
        }) else { fatalError("unreachable") }
        return g
    }

    public func histogram(_ name: String, help: String, buckets: [Double] = Histogram.defaultBuckets, labels: [(String, String)] = []) -> Histogram {
        precondition(!buckets.isEmpty && zip(buckets, buckets.dropFirst()).allSatisfy { $0 < $1 } && buckets.allSatisfy(\.isFinite),
                     "histogram \(name): buckets must be finite and strictly ascending")
        precondition(!labels.contains { $0.0 == "le" }, "histogram \(name): 'le' is reserved")
        guard case .histogram(let h) = metric(name, help: help, kind: .histogram, buckets: buckets, labels: labels, make: {
            .histogram(Histogram(name: name, labels: labels, buckets: buckets))
        }) else { fatalError("unreachable") }
        return h
    }

    /// A histogram of durations in seconds; the name should end in `_seconds`.
    public func timer(_ name: String, help: String, buckets: [Double] = Histogram.defaultBuckets, labels: [(String, String)] = []) -> MetricsTimer {
        MetricsTimer(histogram: histogram(name, help: help, buckets: buckets, labels: labels))
    }

    /// Forgets one series (e.g. the gauges of a revoked partition), so it is no longer rendered.
    public func remove(_ name: String, labels: [(String, String)]) {
        _ = families.withLock { $0[name]?.series.removeValue(forKey: Self.key(labels)) }
    }

    private func metric(_ name: String, help: String, kind: Kind, buckets: [Double], labels: [(String, String)], make: () -> Metric) -> Metric {
        let key = Self.key(labels)
        return families.withLock { families in
            if let existing = families[name] {
                precondition(existing.kind == kind, "metric \(name) is a \(existing.kind.rawValue), not a \(kind.rawValue)")
                precondition(existing.buckets == buckets, "histogram \(name) registered with other buckets")
                if let m = existing.series[key] { return m }
            } else {
                precondition(Self.isValidName(name, colons: true), "invalid metric name '\(name)'")
                families[name] = Family(name: name, help: help, kind: kind, buckets: buckets)
            }
            precondition(labels.allSatisfy { Self.isValidName($0.0, colons: false) && !$0.0.hasPrefix("__") }, "metric \(name): invalid label name in \(labels.map(\.0))")
            precondition(Set(labels.map(\.0)).count == labels.count, "metric \(name): a label name repeats")
            let m = make()
            families[name]!.series[key] = m
            return m
        }
    }

    var snapshot: [Family] { families.withLock { Array($0.values) }.sorted { $0.name < $1.name } }

    /// The labels sorted by name, as one string; built by hand because it runs on every lookup.
    static func key(_ labels: [(String, String)]) -> String {
        var sorted = labels
        if labels.count > 1, !zip(labels, labels.dropFirst()).allSatisfy({ $0.0 < $1.0 }) { sorted.sort { $0.0 < $1.0 } }
        var key = ""
        for (name, value) in sorted {
            key += name
            key += "\u{1}"
            key += value
            key += "\u{2}"
        }
        return key
    }

    static func isValidName(_ name: String, colons: Bool) -> Bool {
        guard let first = name.unicodeScalars.first else { return false }
        func letter(_ c: Unicode.Scalar) -> Bool { (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_" || (colons && c == ":") }
        return letter(first) && name.unicodeScalars.allSatisfy { letter($0) || ($0 >= "0" && $0 <= "9") }
    }
}
