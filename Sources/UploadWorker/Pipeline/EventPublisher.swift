import Foundation
import Kafka
import Logging

/// Publishes terminal events and waits for the broker's acknowledgement (design.md, invariant 1).
/// Retriable Kafka errors are retried with a capped backoff; a fatal or non-retriable one is
/// returned so that the worker stops without committing the record.
struct EventPublisher: Sendable {
    enum Outcome: Sendable {
        case acknowledged
        /// The event cannot be published (fatal producer, or the broker refuses it for good).
        case failed(KafkaError)
        /// The task was cancelled while waiting to retry (shutdown deadline passed).
        case cancelled
    }

    let producer: KafkaProducer
    let logger: Logger
    /// First pause after a retriable failure; doubles up to `maxBackoff`. Default: 100 ms.
    var firstBackoff: Duration = .milliseconds(100)
    /// Default: 5 s.
    var maxBackoff: Duration = .seconds(5)

    /// Sends `event` to `topic` with the input record's key.
    func publish(_ event: EncodedEvent, topic: String, key: Data?) async -> Outcome {
        let value = Data(event.value)
        let headers = event.headers.map { KafkaHeader(name: $0.name, string: $0.value) }
        var backoff = firstBackoff
        while true {
            do {
                _ = try await producer.send(topic: topic, key: key, value: value, headers: headers)
                return .acknowledged
            } catch {
                guard error.isRetriable, !error.isFatal else { return .failed(error) }
                logger.warning("publishing an event failed; retrying", metadata: [
                    "topic": .string(topic), "error": .string(error.description), "retry_in": .string("\(backoff)"),
                ])
                do { try await Task.sleep(for: backoff) } catch { return .cancelled }
                backoff = min(backoff * 2, maxBackoff)
            }
        }
    }
}
