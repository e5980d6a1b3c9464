import CloudflareImages
import Foundation
import ImagesEmulator

/// The one place that decides whether a run kept the delivery invariant (design.md, 1-3), for
/// every input offset:
/// - at least one terminal event (result or error) whose `source` points at it, and no event that
///   points at a record the test did not produce;
/// - all events for one input carry the same request ID (the expected one when known), keep the
///   input's key, and carry the headers the schemas promise;
/// - a result's `image` is well formed (and, given the emulator, exists there);
/// - the expected outcome (result, or error of a kind and retryability) when the test set one;
/// - at most one upload per normalized URL per the emulator's stats, unless the scenario measures
///   duplicates (`allowDuplicateUploads`);
/// - every event validates against its JSON schema (`validateSchemas`).
struct DeliveryChecker: Sendable {
    struct Options: Sendable {
        /// The crash scenario in the default ID mode counts second uploads instead of failing on them.
        var allowDuplicateUploads = false
        /// Fail when an input has more than one terminal event (after a clean SIGTERM and restart).
        var requireExactlyOne = false
        /// The account hash in delivery URLs (`ImagesEmulator.Configuration.accountHash`).
        var accountHash = "emulatorAccountHash000"
        init() {}
    }

    struct Report: Sendable, CustomStringConvertible {
        var problems: [String] = []
        var inputs = 0
        var results = 0
        var errors = 0
        /// Inputs with more than one terminal event (re-deliveries).
        var redelivered = 0
        /// A few re-delivered inputs with their events, to tell a re-processing from a re-read.
        var redeliveryExamples: [String] = []
        /// Normalized URL -> uploads, for URLs uploaded more than once.
        var duplicateUploads: [String: Int] = [:]
        /// Uploads beyond the first, summed over URLs.
        var secondUploads: Int { duplicateUploads.values.reduce(0) { $0 + $1 - 1 } }

        var passed: Bool { problems.isEmpty }

        var description: String {
            var text = "\(inputs) inputs, \(results) result and \(errors) error events, \(redelivered) inputs re-delivered, "
                + "\(secondUploads) second uploads"
            if !redeliveryExamples.isEmpty {
                text += "\nre-delivered, e.g.:\n  " + redeliveryExamples.joined(separator: "\n  ")
            }
            if !problems.isEmpty {
                let shown = problems.prefix(30)
                text += "\n\(problems.count) problems:\n  - " + shown.joined(separator: "\n  - ")
                if problems.count > shown.count { text += "\n  ... and \(problems.count - shown.count) more" }
            }
            return text
        }
    }

    var options = Options()

    /// Everything but the schemas (synchronous, for unit tests of the checker too).
    /// `imageExists` asks the emulator whether an image ID is held; nil skips that check.
    func check(
        inputs: [InputRecord], events: [OutputEvent], stats: EmulatorStats?, imageExists: ((String) -> Bool)? = nil
    ) -> Report {
        var report = Report(inputs: inputs.count)
        report.results = events.filter { $0.kind == .result }.count
        report.errors = events.filter { $0.kind == .error }.count
        var byInput: [RecordCoordinate: [OutputEvent]] = [:]
        let known = Dictionary(inputs.map { ($0.coordinate, $0) }, uniquingKeysWith: { first, _ in first })

        for event in events {
            if let problem = event.parseProblem {
                report.problems.append("\(event.kind) event at \(event.coordinate): \(problem)")
                continue
            }
            guard let source = event.source else {
                report.problems.append("\(event.kind) event at \(event.coordinate) has no valid source: \(event.text)")
                continue
            }
            guard known[source] != nil else {
                report.problems.append("\(event.kind) event at \(event.coordinate) points at \(source), which the test did not produce")
                continue
            }
            byInput[source, default: []].append(event)
        }

        for input in inputs.sorted(by: { $0.coordinate < $1.coordinate }) {
            let found = byInput[input.coordinate] ?? []
            guard !found.isEmpty else {
                report.problems.append("no terminal event for \(input.coordinate) (\(Self.describe(input)))")
                continue
            }
            if found.count > 1 {
                report.redelivered += 1
                if report.redeliveryExamples.count < 3 {
                    report.redeliveryExamples.append("\(input.coordinate): " + found.map {
                        "\($0.kind) at \($0.coordinate) deduplicated=\($0.deduplicated.map(String.init) ?? "-") attempts=\($0.attempts ?? -1)"
                    }.joined(separator: "; "))
                }
                if options.requireExactlyOne {
                    report.problems.append("\(found.count) terminal events for \(input.coordinate), expected exactly one: "
                        + found.map { "\($0.kind) at \($0.coordinate)" }.joined(separator: ", "))
                }
            }
            let ids = Set(found.map { $0.requestID ?? "<none>" })
            if ids.count > 1 {
                report.problems.append("events for \(input.coordinate) disagree on the request ID: \(ids.sorted())")
            }
            let expectedID = input.expectedRequestID
            for event in found {
                report.problems += problems(of: event, for: input, expectedRequestID: expectedID, imageExists: imageExists)
            }
        }

        if let stats {
            let duplicates = stats.uploads.filter { $0.value > 1 }
            report.duplicateUploads = duplicates
            if !options.allowDuplicateUploads {
                for (url, count) in duplicates.sorted(by: { $0.key < $1.key }) {
                    report.problems.append("\(url) was uploaded \(count) times (emulator stats)")
                }
            }
        }
        return report
    }

    /// `check`, then every event against its schema (Python's jsonschema, see SchemaValidator).
    func checkWithSchemas(
        inputs: [InputRecord], events: [OutputEvent], stats: EmulatorStats?, imageExists: ((String) -> Bool)? = nil
    ) async throws -> Report {
        var report = check(inputs: inputs, events: events, stats: stats, imageExists: imageExists)
        report.problems += try await Self.schemaProblems(events)
        return report
    }

    static func schemaProblems(_ events: [OutputEvent]) async throws -> [String] {
        var problems: [String] = []
        for (kind, schema) in [(OutputEvent.Kind.result, SchemaValidator.Schema.result), (.error, .error)] {
            let ofKind = events.filter { $0.kind == kind }
            guard !ofKind.isEmpty else { continue }
            // A raw newline would split a document: compact JSON never has one, so report it.
            let (compact, broken) = (ofKind.filter { !$0.value.contains(0x0A) }, ofKind.filter { $0.value.contains(0x0A) })
            problems += broken.map { "\(kind) event at \($0.coordinate) is not compact JSON (raw newline)" }
            guard !compact.isEmpty else { continue }
            let report = try await SchemaValidator.validate(compact.map { Array($0.value) }, against: schema)
            for invalid in report.invalid {
                let event = compact[invalid.line - 1]
                problems.append("\(kind) event at \(event.coordinate) violates \(schema.rawValue): "
                    + invalid.errors.joined(separator: "; ") + " -- " + String(event.text.prefix(300)))
            }
        }
        return problems
    }

    private func problems(
        of event: OutputEvent, for input: InputRecord, expectedRequestID: String?, imageExists: ((String) -> Bool)?
    ) -> [String] {
        var problems: [String] = []
        let at = "\(event.kind) event at \(event.coordinate) for \(input.coordinate)"
        if let expectedID = expectedRequestID {
            if event.requestID != expectedID {
                problems.append("\(at): requestId \(event.requestID ?? "missing"), expected \(expectedID)")
            }
        } else if event.requestID != input.coordinate.description,
                  !(event.requestID.map { Self.payloadMentions(input.payload, $0) } ?? false) {
            // Without a known ID: the record's coordinate, or the payload's own requestId.
            problems.append("\(at): requestId \(event.requestID ?? "missing") is neither \(input.coordinate) nor the payload's")
        }
        if event.key != input.key {
            problems.append("\(at): key \(event.key.map { String(decoding: $0, as: UTF8.self) } ?? "nil") is not the input's")
        }
        problems += headerProblems(event, at: at)

        switch (input.expected, event.kind) {
        case (.result?, .error):
            problems.append("\(at): expected a result, got error \(event.errorKind ?? "?"): \(event.text.prefix(300))")
        case (.error(let kind, _, _)?, .result):
            problems.append("\(at): expected an error of kind \(kind), got a result")
        case (.error(let kind, let retryable, let reason)?, .error):
            if event.errorKind != kind || event.retryable != retryable {
                problems.append("\(at): expected \(input.expected!), got kind \(event.errorKind ?? "missing"), "
                    + "retryable \(event.retryable.map(String.init) ?? "missing"): \(event.text.prefix(300))")
            }
            if let reason, event.errorReason != reason {
                problems.append("\(at): expected reason \(reason), got \(event.errorReason ?? "none")")
            }
        default:
            break
        }
        if event.kind == .result {
            problems += imageProblems(event, at: at, imageExists: imageExists)
        }
        return problems
    }

    private func headerProblems(_ event: OutputEvent, at: String) -> [String] {
        var expected: [String: String] = [
            "content-type": "application/json",
            "event-type": event.kind == .result ? "upload-result" : "upload-error",
            "schema-version": "1",
        ]
        if let id = event.requestID { expected["request-id"] = id }
        if event.kind == .error, let source = event.source {
            expected["source-topic"] = source.topic
            expected["source-partition"] = String(source.partition)
            expected["source-offset"] = String(source.offset)
            if let kind = event.errorKind { expected["error-kind"] = kind }
        }
        return expected.sorted(by: { $0.key < $1.key }).compactMap { name, value in
            event.headers[name] == value ? nil : "\(at): header \(name) is \(event.headers[name] ?? "missing"), expected \(value)"
        }
    }

    private func imageProblems(_ event: OutputEvent, at: String, imageExists: ((String) -> Bool)?) -> [String] {
        guard let image = event.image else { return ["\(at): no image object"] }
        var problems: [String] = []
        guard let id = image["id"]?.string, !id.isEmpty else { return ["\(at): image without an id"] }
        if image["uploaded"]?.string.flatMap(Self.parseTimestamp) == nil {
            problems.append("\(at): image.uploaded is not an ISO-8601 UTC timestamp: \(String(describing: image["uploaded"]))")
        }
        if image["requireSignedURLs"]?.bool == nil { problems.append("\(at): image.requireSignedURLs is not a boolean") }
        if let variants = image["variants"]?.array, !variants.isEmpty {
            let prefix = "https://imagedelivery.net/\(options.accountHash)/\(id)/"
            for variant in variants where !(variant.string.map { $0.hasPrefix(prefix) && $0.count > prefix.count } ?? false) {
                problems.append("\(at): variant \(variant) is not a delivery URL of image \(id)")
            }
        } else {
            problems.append("\(at): image.variants is missing or empty")
        }
        if let imageExists, !imageExists(id) { problems.append("\(at): image \(id) does not exist in the emulator") }
        if event.deduplicated == nil { problems.append("\(at): deduplicated is not a boolean") }
        if event.attempts == nil { problems.append("\(at): attempts is missing") }
        return problems
    }

    /// `2026-12-04T20:31:17.250Z`.
    static func parseTimestamp(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return text.hasSuffix("Z") ? formatter.date(from: text) : nil
    }

    private static func payloadMentions(_ payload: Data, _ id: String) -> Bool {
        guard case .object(let object)? = try? JSONDecoder().decode(JSONValue.self, from: payload) else { return false }
        return object["requestId"]?.string == id
    }

    private static func describe(_ input: InputRecord) -> String {
        let text = String(decoding: input.payload.prefix(160), as: UTF8.self)
        return "expected \(input.expected.map(\.description) ?? "any outcome"), payload \(text)"
    }
}
