import Foundation

extension MetricsRegistry {
    /// The Content-Type of `render()`'s output.
    public static let prometheusContentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Every metric in the Prometheus text exposition format 0.0.4: per family a `# HELP` and a
    /// `# TYPE` line, then one line per series; families by name, series by their labels, so that
    /// the output is stable.
    public func render() -> String {
        var out = ""
        for family in snapshot {
            out += "# HELP \(family.name) \(Self.escapeHelp(family.help))\n"
            out += "# TYPE \(family.name) \(family.kind.rawValue)\n"
            let series = family.series.values.map { ($0, Self.labelText(Self.labels(of: $0))) }.sorted { $0.1 < $1.1 }
            for (metric, labelText) in series {
                switch metric {
                case .counter(let c):
                    out += "\(family.name)\(Self.braced(labelText)) \(c.value)\n"
                case .gauge(let g):
                    out += "\(family.name)\(Self.braced(labelText)) \(Self.format(g.value))\n"
                case .histogram(let h):
                    let snap = h.snapshot
                    var cumulative: UInt64 = 0
                    for (i, bound) in (h.buckets + [.infinity]).enumerated() {
                        cumulative += snap.counts[i]
                        let le = "le=\"\(Self.format(bound))\""
                        out += "\(family.name)_bucket{\(labelText.isEmpty ? le : labelText + "," + le)} \(cumulative)\n"
                    }
                    out += "\(family.name)_sum\(Self.braced(labelText)) \(Self.format(snap.sum))\n"
                    out += "\(family.name)_count\(Self.braced(labelText)) \(snap.count)\n"
                }
            }
        }
        return out
    }

    private static func labels(of metric: Metric) -> [(String, String)] {
        switch metric {
        case .counter(let c): return c.labels
        case .gauge(let g): return g.labels
        case .histogram(let h): return h.labels
        }
    }

    private static func braced(_ labelText: String) -> String { labelText.isEmpty ? "" : "{\(labelText)}" }

    static func labelText(_ labels: [(String, String)]) -> String {
        labels.map { "\($0.0)=\"\(escapeLabelValue($0.1))\"" }.joined(separator: ",")
    }

    /// In label values: backslash, double quote and line feed are escaped.
    static func escapeLabelValue(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// In HELP text: backslash and line feed are escaped.
    static func escapeHelp(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// Whole numbers without a fraction (`3`, `1`), others in Swift's shortest form (`0.25`,
    /// `1e-05`), and `+Inf`, `-Inf`, `NaN` as Prometheus writes them.
    static func format(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return "\(v)"
    }
}
