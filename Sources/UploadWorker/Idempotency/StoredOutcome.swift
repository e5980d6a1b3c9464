import CloudflareImages
import Foundation

/// What the idempotency store knows about a source URL.
public struct StoredOutcome: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        /// The URL was uploaded: publish this image with `deduplicated: true`, upload nothing.
        case success(Image)
        /// The URL failed permanently and a negative TTL keeps that answer for a while: publish
        /// the same error without calling the API.
        case permanentFailure(UploadFailure)
    }

    public var outcome: Outcome
    /// The URL without user-info, as recorded.
    public var sourceURL: String
    public var recordedAt: Date
    /// When the entry stops counting; nil for "never".
    public var expiresAt: Date?

    public init(outcome: Outcome, sourceURL: String, recordedAt: Date, expiresAt: Date?) {
        self.outcome = outcome
        self.sourceURL = sourceURL
        self.recordedAt = recordedAt
        self.expiresAt = expiresAt
    }

    /// The image, when the outcome is a success.
    public var image: Image? {
        if case .success(let image) = outcome { return image }
        return nil
    }

    /// The failure, when the outcome is a cached permanent failure.
    public var failure: UploadFailure? {
        if case .permanentFailure(let failure) = outcome { return failure }
        return nil
    }

    /// `now` plus `ttl`.
    static func expiry(after ttl: Duration, from now: Date) -> Date {
        let c = ttl.components
        return now.addingTimeInterval(TimeInterval(c.seconds) + TimeInterval(c.attoseconds) / 1e18)
    }

    func isExpired(at now: Date) -> Bool {
        expiresAt.map { $0 <= now } ?? false
    }
}
