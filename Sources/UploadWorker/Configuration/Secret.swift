/// A value that must never be printed: its description, debug description and mirror all say
/// `<redacted>`, so that string interpolation, `dump` and logging metadata cannot leak it
/// (design.md, invariant 7). Read it with `exposedValue`, only where it is sent.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public let exposedValue: String

    public init(_ value: String) { exposedValue = value }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
