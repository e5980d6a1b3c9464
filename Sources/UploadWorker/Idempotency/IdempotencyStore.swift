import CloudflareImages

/// Where the worker remembers which source URLs it has uploaded (design.md, invariant 2), keyed
/// by `IdempotencyKey`. Implementations never block the caller's thread: their I/O runs on a
/// thread of their own.
///
/// Rules every implementation keeps:
/// - A live success is never replaced: once a URL has an image, every later request gets that
///   image (a second success or a failure for the same key is ignored).
/// - A permanent failure is stored only with a TTL (the negative TTL), and replaces nothing but an
///   older failure or an expired entry.
/// - An expired entry is as good as absent, and is deleted when a lookup finds it.
public protocol IdempotencyStore: Sendable {
    /// The stored outcome for `key`, or nil when there is none (or it expired).
    func lookup(_ key: IdempotencyKey) async throws(IdempotencyStoreError) -> StoredOutcome?

    /// Records an upload's image. Call it before publishing the result event, so that a crash
    /// after the upload does not upload again. `ttl` nil keeps it forever.
    func recordSuccess(_ key: IdempotencyKey, sourceURL: String, image: Image, ttl: Duration?) async throws(IdempotencyStoreError)

    /// Records a permanent failure for `ttl` (the negative TTL), so that repeated requests for a
    /// URL that cannot work do not each cost an API call.
    func recordPermanentFailure(_ key: IdempotencyKey, sourceURL: String, failure: UploadFailure, ttl: Duration) async throws(IdempotencyStoreError)

    /// Deletes expired entries; returns how many.
    @discardableResult
    func purgeExpired() async throws(IdempotencyStoreError) -> Int

    /// Releases the store's resources; later calls fail with `.closed`.
    func close() async
}

extension IdempotencyStore {
    /// Records an upload's image, kept forever.
    public func recordSuccess(_ key: IdempotencyKey, sourceURL: String, image: Image) async throws(IdempotencyStoreError) {
        try await recordSuccess(key, sourceURL: sourceURL, image: image, ttl: nil)
    }
}
