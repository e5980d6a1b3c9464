import CloudflareImages
import Foundation
import Kafka
import Logging

/// What became of one record before publishing.
enum RecordOutcome: Sendable {
    /// A result event; `deduplicated`: answered without an upload of its own.
    case result(UploadResultEvent)
    case error(UploadErrorEvent)
    /// No event: the record stays uncommitted (it will be redelivered). `termination` says why
    /// the worker must stop, nil when it already is stopping (cancelled past the deadline).
    case abandon(WorkerTermination?)
}

/// Turns one request record into its terminal event: decode and validate, the idempotency store,
/// the coalescing of concurrent requests for one URL, the upload, and the store write that must
/// precede the publication (design.md, invariants 2 and 3). Never throws: every input ends in an
/// outcome.
struct RecordProcessor: Sendable {
    let store: any IdempotencyStore
    let uploader: Uploader
    let coalescer: UploadCoalescer
    let idempotency: WorkerConfiguration.Idempotency
    let limits: RequestLimits
    let metrics: WorkerMetrics
    let progress: PipelineProgress
    let logger: Logger

    func process(_ record: KafkaRecord) async -> RecordOutcome {
        let source = EventSource(topic: record.topic, partition: record.partition, offset: record.offset, timestamp: record.timestamp)
        let request: UploadRequestEvent
        do {
            request = try UploadRequestEvent(decoding: record.value ?? Data(), source: source, limits: limits)
        } catch {
            return .error(UploadErrorEvent(invalid: error))
        }
        let key = request.idempotencyKey
        if let stored = await lookup(key, request) { return answer(request, from: stored) }

        // Not known: lead the upload of this URL, or wait for the one in progress.
        if let shared = await coalescer.join(key) { return answer(request, sharing: shared) }
        var shared = SharedOutcome.abandoned
        defer { coalescer.resolve(key, with: shared) }
        // The previous leader may have finished between the lookup and the join.
        if let stored = await lookup(key, request) {
            if let image = stored.image { shared = .success(image) }
            if let failure = stored.failure { shared = .failure(failure, attempts: 0, firstAttemptAt: nil, lastAttemptAt: nil) }
            return answer(request, from: stored)
        }

        metrics.inFlight.increment()
        progress.uploadsInFlight.add(1, ordering: .relaxed)
        let result = await uploader.upload(request)
        progress.uploadsInFlight.subtract(1, ordering: .relaxed)
        metrics.inFlight.decrement()

        switch result {
        case .uploaded(let image, let attempts, let existing, _, _):
            await recordSuccess(key, request, image)
            shared = .success(image)
            if existing {
                metrics.deduplicated.increment()
                progress.deduplicated.add(1, ordering: .relaxed)
            } else {
                progress.uploads.add(1, ordering: .relaxed)
            }
            return .result(UploadResultEvent(request: request, image: image, deduplicated: existing, attempts: attempts))
        case .failed(let failure, let attempts, let first, let last):
            if !failure.retryable, let ttl = idempotency.failureTTL {
                await recordFailure(key, request, failure, ttl: ttl)
            }
            shared = .failure(failure, attempts: attempts, firstAttemptAt: first, lastAttemptAt: last)
            return .error(UploadErrorEvent(request: request, failure: failure, attempts: attempts, firstAttemptAt: first, lastAttemptAt: last))
        case .configurationProblem(let error):
            return .abandon(.apiConfigurationProblem(error.description))
        case .cancelled:
            return .abandon(nil)
        }
    }

    /// The event for a request the store already answers.
    private func answer(_ request: UploadRequestEvent, from stored: StoredOutcome) -> RecordOutcome {
        switch stored.outcome {
        case .success(let image):
            metrics.deduplicated.increment()
            progress.deduplicated.add(1, ordering: .relaxed)
            return .result(UploadResultEvent(request: request, image: image, deduplicated: true, attempts: 0))
        case .permanentFailure(let failure):
            return .error(UploadErrorEvent(request: request, failure: failure, attempts: 0, firstAttemptAt: nil, lastAttemptAt: nil))
        }
    }

    /// The event for a request that waited for another request's upload of the same URL.
    private func answer(_ request: UploadRequestEvent, sharing shared: SharedOutcome) -> RecordOutcome {
        switch shared {
        case .success(let image):
            metrics.deduplicated.increment()
            progress.deduplicated.add(1, ordering: .relaxed)
            return .result(UploadResultEvent(request: request, image: image, deduplicated: true, attempts: 0))
        case .failure(let failure, let attempts, let first, let last):
            return .error(UploadErrorEvent(request: request, failure: failure, attempts: attempts, firstAttemptAt: first, lastAttemptAt: last))
        case .abandoned:
            return .abandon(nil)
        }
    }

    /// A store that cannot answer is treated as a miss: the upload goes ahead (in source-hash
    /// mode the API still refuses a second image).
    private func lookup(_ key: IdempotencyKey, _ request: UploadRequestEvent) async -> StoredOutcome? {
        do {
            return try await store.lookup(key)
        } catch {
            logger.warning("idempotency lookup failed; treating as not uploaded", metadata: [
                "request_id": .string(request.requestID), "error": .string(error.description),
            ])
            return nil
        }
    }

    /// Written before the event is published; retried briefly, then logged: the event still goes
    /// out (at-least-once), only the protection against a second upload after a crash is lost.
    private func recordSuccess(_ key: IdempotencyKey, _ request: UploadRequestEvent, _ image: Image) async {
        await withStoreRetries(request) { () async throws(IdempotencyStoreError) in
            try await store.recordSuccess(key, sourceURL: request.url.redacted, image: image, ttl: idempotency.successTTL)
        }
    }

    private func recordFailure(_ key: IdempotencyKey, _ request: UploadRequestEvent, _ failure: UploadFailure, ttl: Duration) async {
        await withStoreRetries(request) { () async throws(IdempotencyStoreError) in
            try await store.recordPermanentFailure(key, sourceURL: request.url.redacted, failure: failure, ttl: ttl)
        }
    }

    private func withStoreRetries(_ request: UploadRequestEvent, _ body: () async throws(IdempotencyStoreError) -> Void) async {
        var attempt = 0
        while true {
            attempt += 1
            do {
                try await body()
                return
            } catch {
                guard error.isRetryable, attempt < 3 else {
                    logger.error("recording the outcome in the idempotency store failed", metadata: [
                        "request_id": .string(request.requestID), "error": .string(error.description),
                    ])
                    return
                }
                try? await Task.sleep(for: .milliseconds(50 * attempt))
            }
        }
    }
}
