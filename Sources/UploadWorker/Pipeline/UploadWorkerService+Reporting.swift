import Foundation
import Kafka
import Logging

extension UploadWorkerService {
    /// After the broker acknowledged a record's event: counters, metrics, and one log line.
    func finished(_ outcome: RecordOutcome, _ record: KafkaRecord, duration: Duration) {
        let ms = Self.milliseconds(duration)
        switch outcome {
        case .result(let result):
            counters.results.add(1, ordering: .relaxed)
            let kind = result.deduplicated ? "deduplicated" : "uploaded"
            (result.deduplicated ? publishedCounters.deduplicated : publishedCounters.uploaded).increment()
            if logger.logLevel <= .info {
                logger.info("result published", metadata: [
                    "request_id": .string(result.requestID), "partition": .string("\(record.partition)"),
                    "offset": .string("\(record.offset)"), "outcome": .string(kind), "attempts": .string("\(result.attempts)"),
                    "duration_ms": .string(ms), "image_id": .string(result.image.id),
                    "source_url": .string(result.sourceURL),
                ])
            }
        case .error(let error):
            counters.errors.add(1, ordering: .relaxed)
            publishedCounters.errors[error.error.kind]?.increment()
            if logger.logLevel <= .info {
                var metadata: Logger.Metadata = [
                    "request_id": .string(error.requestID), "partition": .string("\(record.partition)"),
                    "offset": .string("\(record.offset)"), "outcome": .string(error.error.kind.rawValue),
                    "retryable": .string("\(error.error.retryable)"), "attempts": .string("\(error.attempts)"),
                    "duration_ms": .string(ms), "error": .string(error.error.message),
                ]
                if let url = error.sourceURL { metadata["source_url"] = .string(url) }
                logger.info("error published", metadata: metadata)
            }
        case .abandon:
            break
        }
    }

    /// Whole milliseconds with one decimal, without Foundation's slow `String(format:)`.
    static func milliseconds(_ d: Duration) -> String {
        let tenths = d.components.seconds * 10_000 + d.components.attoseconds / 100_000_000_000_000
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// Every second: liveness and per-partition gauges; every `progressInterval`: a progress line.
    func reportProgress() async {
        var last = progress
        var lastLine = ContinuousClock.now
        while !Task.isCancelled {
            do { try await Task.sleep(for: .seconds(1)) } catch { return }
            // Waiting for records is healthy idleness; a stuck intake stops refreshing this.
            if intakeWaiting.load(ordering: .relaxed) { health.recordPoll() }
            let statuses = tracker.statuses
            var uncommitted = 0
            var paused = 0
            for status in statuses {
                uncommitted += status.buffered
                if status.paused { paused += 1 }
                let topic = status.partition.topic, partition = status.partition.partition
                metrics.uncommittedRecords(topic: topic, partition: partition).set(status.buffered)
                if let position = status.commitPosition {
                    metrics.committedOffset(topic: topic, partition: partition).set(Double(position))
                }
            }
            let now = ContinuousClock.now
            guard now - lastLine >= progressInterval else { continue }
            let seconds = (now - lastLine) / .seconds(1)
            let p = progress
            func rate(_ a: Int, _ b: Int) -> String { String(format: "%.1f", Double(a - b) / max(seconds, 0.001)) }
            logger.info("progress", metadata: [
                "records_per_s": .string(rate(p.recordsTaken, last.recordsTaken)),
                "events_per_s": .string(rate(p.finished, last.finished)),
                "uploads_per_s": .string(rate(p.uploads, last.uploads)),
                "records": .string("\(p.recordsTaken)"), "results": .string("\(p.results)"), "errors": .string("\(p.errors)"),
                "deduplicated": .string("\(p.deduplicated)"), "uploads": .string("\(p.uploads)"),
                "in_flight": .string("\(p.inFlight)"), "uploads_in_flight": .string("\(p.uploadsInFlight)"),
                "uncommitted": .string("\(uncommitted)"), "partitions": .string("\(statuses.count)"), "paused": .string("\(paused)"),
            ])
            last = p
            lastLine = now
        }
    }
}
