import Foundation
import Logging
import Synchronization

/// The demo's progress: a single line redrawn in place (`\r`) when stdout is a terminal, plain
/// lines about once a second otherwise (CI logs, pipes). Log lines that arrive meanwhile go
/// through `DemoLogHandler`, which clears the bar first so that the two do not mix.
final class DemoProgressDisplay: Sendable {
    struct Figures: Sendable {
        var produced: Int
        var total: Int
        var events: Int
        var results: Int
        var errors: Int
        var uploads: Int
        var inFlight: Int
        var elapsed: Duration
    }

    let isTerminal: Bool
    private struct State {
        var barShown = false
        var lastPlainLine: ContinuousClock.Instant?
    }
    private let state = Mutex(State())
    private static let width = 30

    init(isTerminal: Bool = isatty(STDOUT_FILENO) == 1) {
        self.isTerminal = isTerminal
    }

    /// Shows the figures; without a terminal, at most one line a second unless `final`.
    func update(_ f: Figures, final: Bool = false) {
        state.withLock { s in
            if isTerminal {
                let filled = f.total == 0 ? 0 : min(Self.width, f.events * Self.width / f.total)
                let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: Self.width - filled)
                let line = "  [\(bar)] \(f.events)/\(f.total) events  results \(f.results)  errors \(f.errors)  uploads \(f.uploads)  in flight \(f.inFlight)  \(Self.seconds(f.elapsed))"
                // \u{1B}[K erases what a longer previous line left behind.
                Self.write("\r" + line + "\u{1B}[K")
                s.barShown = true
            } else {
                let now = ContinuousClock.now
                if !final, let last = s.lastPlainLine, now - last < .seconds(1) { return }
                s.lastPlainLine = now
                Self.write("  progress: \(f.produced)/\(f.total) produced, \(f.events)/\(f.total) terminal events (\(f.results) results, \(f.errors) errors), \(f.uploads) uploads, \(f.inFlight) in flight, \(Self.seconds(f.elapsed))\n")
            }
        }
    }

    /// Ends the bar's line, so that what follows starts on a line of its own.
    func finish() {
        state.withLock { s in
            if s.barShown { Self.write("\n") }
            s.barShown = false
        }
    }

    /// Writes a log line above the bar: clears the bar, writes the line to stderr; the next
    /// `update` redraws the bar.
    func interject(_ line: String) {
        state.withLock { s in
            if s.barShown {
                Self.write("\r\u{1B}[K")
                s.barShown = false
            }
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }

    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func seconds(_ d: Duration) -> String {
        String(format: "%.1f s", Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
    }
}

/// Log lines of the demo's components (warnings and worse) as short text lines on stderr that do
/// not tear the progress bar.
struct DemoLogHandler: LogHandler {
    let display: DemoProgressDisplay

    func write(_ record: LogRecord) {
        var line = "  [\(record.level.rawValue)] \(record.label): \(record.message)"
        for (key, value) in record.metadata.sorted(by: { $0.key < $1.key }) {
            line += " \(key)=\(value)"
        }
        display.interject(line)
    }
}
