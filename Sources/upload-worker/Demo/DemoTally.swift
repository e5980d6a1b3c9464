import Foundation
import Kafka
import UploadWorker

/// What came back for each request of the demo: its terminal events, matched by the input
/// record's coordinates (`source` in every event), and when they were read back.
struct DemoTally: Sendable {
    /// One terminal event as read from the result or error topic.
    struct Event: Sendable {
        enum Outcome: Sendable, Equatable {
            case result(deduplicated: Bool)
            case error(kind: String, retryable: Bool)
        }
        var outcome: Outcome
        /// The image ID of a result; the message (and Cloudflare's code) of an error.
        var detail: String
        var receivedAt: ContinuousClock.Instant
        /// The event's JSON as published.
        var json: [UInt8]
    }

    struct Coordinates: Hashable, Sendable {
        var partition: Int32
        var offset: Int64
    }

    let requestTopic: String
    /// Input record -> index in the workload, from the producer's delivery receipts.
    private(set) var indexBySource: [Coordinates: Int] = [:]
    private(set) var producedAt: [ContinuousClock.Instant?]
    private(set) var events: [[Event]]
    /// Events whose source is not a request of this run, or that could not be decoded.
    private(set) var strayEvents = 0
    /// Events that arrived before the receipt of their request (matched once it comes).
    private var early: [Coordinates: [Event]] = [:]

    init(requestTopic: String, count: Int) {
        self.requestTopic = requestTopic
        producedAt = Array(repeating: nil, count: count)
        events = Array(repeating: [], count: count)
    }

    var produced: Int { indexBySource.count }
    /// Requests with at least one terminal event.
    var answered: Int { events.lazy.filter { !$0.isEmpty }.count }
    var eventCount: Int { events.reduce(0) { $0 + $1.count } + strayEvents }

    mutating func produced(_ index: Int, at receipt: KafkaDeliveryReceipt, sentAt: ContinuousClock.Instant) {
        let coordinates = Coordinates(partition: receipt.partition, offset: receipt.offset)
        indexBySource[coordinates] = index
        producedAt[index] = sentAt
        if let waiting = early.removeValue(forKey: coordinates) { events[index] += waiting }
    }

    /// Decodes one record of the result or error topic and files it under its request.
    mutating func add(_ record: KafkaRecord, resultTopic: String, at time: ContinuousClock.Instant) {
        if record.header("request-id").map({ String(decoding: $0, as: UTF8.self) }) == DemoRun.warmUpRequestID { return }
        guard let value = record.value else {
            strayEvents += 1
            return
        }
        let bytes = [UInt8](value)
        let outcome: Event.Outcome
        let source: EventSource
        let detail: String
        do {
            if record.topic == resultTopic {
                let event = try UploadResultEvent(decoding: bytes)
                (outcome, source, detail) = (.result(deduplicated: event.deduplicated), event.source, "image \(event.image.id)")
            } else {
                let event = try UploadErrorEvent(decoding: bytes)
                (outcome, source) = (.error(kind: event.error.kind.rawValue, retryable: event.error.retryable), event.source)
                let codes = event.error.cloudflareErrors.map { "\($0.code)" }.joined(separator: ",")
                detail = event.error.message + (codes.isEmpty ? "" : " (Cloudflare \(codes))")
            }
        } catch {
            strayEvents += 1
            return
        }
        guard source.topic == requestTopic else {
            strayEvents += 1
            return
        }
        let event = Event(outcome: outcome, detail: detail, receivedAt: time, json: bytes)
        let coordinates = Coordinates(partition: source.partition, offset: source.offset)
        if let index = indexBySource[coordinates] {
            events[index].append(event)
        } else {
            early[coordinates, default: []].append(event)
        }
    }

    /// Events whose request never showed up in a receipt count as strays at the end.
    var unmatchedEarlyEvents: Int { early.values.reduce(0) { $0 + $1.count } }

    /// The request whose first event came back last, and after how long.
    var slowest: (index: Int, latency: Duration)? {
        var best: (Int, Duration)?
        for (i, (sent, events)) in zip(producedAt, events).enumerated() {
            guard let sent, let first = events.first else { continue }
            let latency = first.receivedAt - sent
            if best == nil || latency > best!.1 { best = (i, latency) }
        }
        return best.map { (index: $0.0, latency: $0.1) }
    }

    /// Produced-to-read-back latency of each request's first event.
    var latencies: [Duration] {
        zip(producedAt, events).compactMap { sent, events in
            guard let sent, let first = events.first else { return nil }
            return first.receivedAt - sent
        }
    }
}
