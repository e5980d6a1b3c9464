import CloudflareImages
import Foundation
import Logging

/// One request's way through the API: the MAX_IN_FLIGHT limiter around the call only, the pacer,
/// the upload, and what each `ImagesAPIError.Kind` means (docs/pipeline.md):
/// - success -> the image;
/// - `already_exists` with an ID the worker derived (`IMAGE_ID_MODE=source-hash`) -> the image is
///   already there: fetch it;
/// - `rate_limited` -> hold the whole pacer until Retry-After, then retry;
/// - `transient` -> retry with backoff and full jitter until attempts or the deadline run out;
/// - `unauthorized`, or `not_found` on upload -> a configuration problem: give up the record;
/// - anything else -> a permanent failure, at once.
struct Uploader: Sendable {
    enum Result: Sendable {
        /// `existing`: the image was already there (5409 on a derived ID), no new upload.
        case uploaded(Image, attempts: Int, existing: Bool, firstAttemptAt: Date, lastAttemptAt: Date)
        case failed(UploadFailure, attempts: Int, firstAttemptAt: Date, lastAttemptAt: Date)
        case configurationProblem(ImagesAPIError)
        /// Cancelled while waiting (pacer, slot or backoff): the shutdown deadline passed.
        case cancelled
    }

    let client: ImagesClient
    let pacer: Pacer
    let limiter: InFlightLimiter
    let retry: RetryPolicy
    let imageIDMode: WorkerConfiguration.ImageIDMode
    let metrics: WorkerMetrics
    let logger: Logger
    /// How long a 429 without Retry-After holds the pacer. Default: 1 s.
    var defaultRateLimitHold: Duration = .seconds(1)

    /// The custom ID the worker derives in source-hash mode: only when the request names none and
    /// does not ask for signed URLs (the API refuses custom IDs with signed URLs).
    func derivedImageID(for request: UploadRequestEvent) -> String? {
        guard imageIDMode == .sourceHash, request.customID == nil, request.requireSignedURLs != true else { return nil }
        return request.idempotencyKey.derivedImageID
    }

    func upload(_ request: UploadRequestEvent) async -> Result {
        let derivedID = derivedImageID(for: request)
        let apiRequest = UploadRequest(
            url: request.url.original, id: request.customID ?? derivedID, metadata: request.metadata,
            requireSignedURLs: request.requireSignedURLs ?? false, creator: request.creator)
        let started = ContinuousClock.now
        let firstAttemptAt = Date()
        var lastAttemptAt = firstAttemptAt
        var attempts = 0
        while true {
            // The in-flight slot first, the pacer's token last: a token is then taken only when the
            // call can go out at once, so a 429's hold also stops every upload already queued for a
            // slot (taking the token first let them through after the hold began).
            guard await limiter.acquire() else { return .cancelled }
            do {
                let waited = try await pacer.acquire()
                if waited > .zero { metrics.pacerWait.record(waited) }
            } catch {
                limiter.release()
                return .cancelled
            }
            attempts += 1
            lastAttemptAt = Date()
            let callStarted = ContinuousClock.now
            let outcome = await call(apiRequest, derivedID: derivedID)
            limiter.release()
            let error: ImagesAPIError
            switch outcome {
            case .success(let (image, existing)):
                metrics.apiLatency(operation: "upload", outcome: "success").record(ContinuousClock.now - callStarted)
                metrics.uploads(outcome: existing ? "already_exists" : "success").increment()
                return .uploaded(image, attempts: attempts, existing: existing, firstAttemptAt: firstAttemptAt, lastAttemptAt: lastAttemptAt)
            case .failure(let e):
                error = e
            }
            metrics.apiLatency(operation: error.operation.rawValue, outcome: error.kind.rawValue).record(ContinuousClock.now - callStarted)
            metrics.uploads(outcome: error.kind.rawValue).increment()
            if error.isConfigurationProblem { return .configurationProblem(error) }

            let elapsed = ContinuousClock.now - started
            let delay: Duration?
            switch error.kind {
            case .rateLimited:
                let hold = error.retryAfter ?? defaultRateLimitHold
                pacer.hold(for: hold)
                metrics.pacerHolds.increment()
                delay = retry.nextDelay(attempt: attempts, retryAfter: hold, elapsed: elapsed)
            case .transient:
                delay = retry.nextDelay(attempt: attempts, retryAfter: error.retryAfter, elapsed: elapsed)
            case .invalidRequest, .sourceRejected, .alreadyExists, .notFound, .unauthorized:
                return .failed(Self.failure(error, attempts: attempts, gaveUp: false),
                               attempts: attempts, firstAttemptAt: firstAttemptAt, lastAttemptAt: lastAttemptAt)
            }
            guard let delay else {
                return .failed(Self.failure(error, attempts: attempts, gaveUp: true),
                               attempts: attempts, firstAttemptAt: firstAttemptAt, lastAttemptAt: lastAttemptAt)
            }
            metrics.retries(reason: error.kind.rawValue).increment()
            if logger.logLevel <= .debug {
                logger.debug("upload failed; retrying", metadata: [
                    "request_id": .string(request.requestID), "attempt": .string("\(attempts)"),
                    "retry_in": .string("\(delay)"), "error": .string(error.description),
                ])
            }
            do { try await Task.sleep(for: delay) } catch { return .cancelled }
        }
    }

    /// One upload, and for a 5409 on a derived ID the image that is already there.
    private func call(_ request: UploadRequest, derivedID: String?) async -> Swift.Result<(Image, Bool), ImagesAPIError> {
        do {
            return .success((try await client.upload(request), false))
        } catch let error where error.kind == .alreadyExists && derivedID != nil {
            do {
                return .success((try await client.image(id: derivedID!), true))
            } catch {
                return .failure(error)
            }
        } catch {
            return .failure(error)
        }
    }

    /// The error event's `error` for an API failure.
    static func failure(_ error: ImagesAPIError, attempts: Int, gaveUp: Bool) -> UploadFailure {
        let message = gaveUp ? "gave up after \(attempts) attempt\(attempts == 1 ? "" : "s"): \(error.message)" : error.message
        return UploadFailure(kind: error.kind, message: message, retryable: error.kind.isRetryable,
                             httpStatus: error.httpStatus, cloudflareErrors: error.errors)
    }
}
