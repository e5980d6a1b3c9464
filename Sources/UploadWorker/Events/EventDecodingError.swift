/// An output event that cannot be read back: for consumers and test checkers that decode result
/// and error events (`UploadResultEvent(decoding:)`, `UploadErrorEvent(decoding:)`).
public struct EventDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
