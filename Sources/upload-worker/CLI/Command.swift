import Foundation

/// One option of a command: `--name VALUE`, or a boolean flag when `valueName` is nil.
struct Option: Sendable {
    let name: String
    let valueName: String?
    let help: String
    /// Shown in `--help`; nil when the option has no default.
    let defaultValue: String?
    /// Accepted but left out of `--help` (tooling such as `run --markdown`).
    var hidden = false

    static func value(_ name: String, _ valueName: String, default defaultValue: String? = nil, help: String) -> Option {
        Option(name: name, valueName: valueName, help: help, defaultValue: defaultValue)
    }

    static func flag(_ name: String, help: String) -> Option {
        Option(name: name, valueName: nil, help: help, defaultValue: nil)
    }

    static func hiddenFlag(_ name: String, help: String) -> Option {
        Option(name: name, valueName: nil, help: help, defaultValue: nil, hidden: true)
    }
}

/// A subcommand of `upload-worker`, shaped like swift-argument-parser's `AsyncParsableCommand`
/// but small: a name, a one-line abstract, its options, and `run`, which returns the exit code.
protocol Command {
    static var name: String { get }
    static var abstract: String { get }
    /// Extra text for `--help` after the options (environment variables, examples).
    static var discussion: String { get }
    static var options: [Option] { get }
    /// Names of positional arguments, in order, for `--help` (e.g. `bench kafka`). Default: none.
    static var positionals: [(name: String, help: String)] { get }
    /// Left out of `upload-worker --help` (internal helpers such as benchmark servers). Default: false.
    static var isHidden: Bool { get }
    static func run(_ options: ParsedOptions) async throws -> Int32
}

extension Command {
    static var discussion: String { "" }
    static var positionals: [(name: String, help: String)] { [] }
    static var isHidden: Bool { false }

    static var help: String {
        var s = "OVERVIEW: \(abstract)\n\nUSAGE: upload-worker \(name)"
        for p in positionals { s += " [<\(p.name)>]" }
        let options = options.filter { !$0.hidden }
        for o in options {
            s += o.valueName.map { " [--\(o.name) <\($0)>]" } ?? " [--\(o.name)]"
        }
        if !positionals.isEmpty {
            s += "\n\nARGUMENTS:\n"
            for p in positionals { s += "  <\(p.name)>  \(p.help)\n" }
        }
        s += "\n\nOPTIONS:\n"
        let width = (options.map { $0.name.count + ($0.valueName.map { $0.count + 3 } ?? 0) }.max() ?? 0) + 4
        for o in options + [Option.flag("help", help: "Show help information.")] {
            var left = "--\(o.name)"
            if let v = o.valueName { left += " <\(v)>" }
            var right = o.help
            if let d = o.defaultValue { right += " (default: \(d))" }
            s += "  " + left.padding(toLength: max(width, left.count + 2), withPad: " ", startingAt: 0) + right + "\n"
        }
        if !discussion.isEmpty { s += "\n" + discussion + "\n" }
        return s
    }
}

/// What went wrong on the command line; printed with a usage hint, exit code 2.
struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Options as given on the command line, checked against a command's declared options.
struct ParsedOptions: Sendable {
    private(set) var values: [String: String] = [:]
    private(set) var flags: Set<String> = []
    /// Arguments without a leading `--`, in order.
    private(set) var positionals: [String] = []
    private(set) var helpRequested = false

    init(_ arguments: [String], declared: [Option], maxPositionals: Int = 0) throws(UsageError) {
        let byName = Dictionary(uniqueKeysWithValues: declared.map { ($0.name, $0) })
        var i = arguments.startIndex
        while i < arguments.endIndex {
            let arg = arguments[i]
            i += 1
            if arg == "--help" || arg == "-h" {
                helpRequested = true
                continue
            }
            guard arg.hasPrefix("--") else {
                guard positionals.count < maxPositionals else { throw UsageError("unexpected argument '\(arg)'") }
                positionals.append(arg)
                continue
            }
            var name = String(arg.dropFirst(2))
            var inlineValue: String?
            if let eq = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            guard let option = byName[name] else { throw UsageError("unknown option '--\(name)'") }
            if option.valueName == nil {
                guard inlineValue == nil else { throw UsageError("option '--\(name)' takes no value") }
                flags.insert(name)
            } else if let v = inlineValue {
                values[name] = v
            } else {
                guard i < arguments.endIndex else { throw UsageError("option '--\(name)' needs a value") }
                values[name] = arguments[i]
                i += 1
            }
        }
    }

    subscript(name: String) -> String? { values[name] }
    func flag(_ name: String) -> Bool { flags.contains(name) }

    /// The option parsed with `parse`, or the default when absent; a bad value is a usage error.
    func value<T>(_ name: String, default defaultValue: T, _ parse: (String) -> T?) throws(UsageError) -> T {
        guard let raw = values[name] else { return defaultValue }
        guard let v = parse(raw) else { throw UsageError("invalid value '\(raw)' for '--\(name)'") }
        return v
    }
}
