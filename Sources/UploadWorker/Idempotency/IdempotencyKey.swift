/// The idempotency key of a source URL: the lower-case hex SHA-256 of its normalized form
/// (`SourceURL.normalized`). Stored as is in the idempotency store.
public struct IdempotencyKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// 64 lower-case hex characters.
    public let hex: String

    /// The key of an already normalized URL.
    public init(normalizedURL: String) {
        hex = SHA256.hash(normalizedURL).hex
    }

    /// A key read back from storage; nil unless `hex` is 64 lower-case hex characters.
    public init?(hex: String) {
        guard hex.utf8.count == 64, hex.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) else { return nil }
        self.hex = hex
    }

    /// A custom image ID derived from the key, for `IMAGE_ID_MODE=source-hash`: `src-` and the 64
    /// hex digits. Valid per the API's rules (not a UUID, no `/` at either end, no file extension,
    /// under 1024 characters), and the same for every request of one normalized URL.
    public var derivedImageID: String { "src-" + hex }

    public var description: String { hex }

    public static func < (lhs: IdempotencyKey, rhs: IdempotencyKey) -> Bool { lhs.hex < rhs.hex }
}
