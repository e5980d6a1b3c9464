import Foundation
import ImagesEmulator
import Testing

@Suite("End to end: injected 500s and a 429 storm")
struct ResilienceTests {
    @Test("30% of API calls answered 500: every request still succeeds")
    func injected500s() async throws {
        try await withHarness("fail30", knobs: ImagesEmulator.Knobs(failRate: 0.3)) { h in
            // Ten attempts: a request fails only if ten calls in a row draw a 500 (0.3^10).
            try h.startWorker("w1", ["MAX_ATTEMPTS": "10", "RETRY_BASE_DELAY": "20ms", "RETRY_MAX_DELAY": "200ms"])
            let specs = (0..<60).map { i in RequestSpec.upload(h.originURL("flaky-\(i)-120x90.png"), requestID: "fail30-\(i)") }
            try await h.produce(specs)
            let events = try await h.waitForTerminalEvents()
            let report = try await h.expectDelivery()
            let stats = h.emulator.stats()
            #expect(report.results == 60 && report.errors == 0, "\(report)")
            #expect((stats.responses["500"] ?? 0) > 0, "the emulator injected no 500 at all: \(stats.responses)")
            let retried = events.filter { ($0.attempts ?? 0) > 1 }.count
            print("[e2e fail30] API answers \(stats.responses.sorted { $0.key < $1.key }); \(retried) of 60 requests needed more than one attempt")
        }
    }

    @Test("a 429 storm: the pacer holds every upload until Retry-After, nothing is dead-lettered while attempts remain")
    func rateLimitStorm() async throws {
        try await withHarness("storm") { h in
            let maxAttempts = 5
            // At most 4 uploads in flight: the ones answered 429 before the pacer holds stay few even when
            // a busy machine slows the emulator down.
            try h.startWorker("w1", ["UPLOAD_RATE": "10", "UPLOAD_BURST": "5", "MAX_IN_FLIGHT": "4", "MAX_ATTEMPTS": String(maxAttempts)])
            let specs = (0..<60).map { i in RequestSpec.upload(h.originURL("storm-\(i)-50x50.png"), requestID: "storm-\(i)") }
            try await h.produce(specs)
            try await h.waitForUploads(atLeast: 15)
            // From now on every API call is answered 429 (code 971, Retry-After) for 3 s.
            h.emulator.throttle(for: .seconds(3))
            let events = try await h.waitForTerminalEvents()

            let report = try await h.expectDelivery()
            let stats = h.emulator.stats()
            let throttled = stats.responses["429"] ?? 0
            print("[e2e storm] API answers \(stats.responses.sorted { $0.key < $1.key }); max attempts of a request: \(events.compactMap(\.attempts).max() ?? 0)")
            #expect(throttled > 0, "the storm reached no upload: \(stats.responses)")
            for event in events where event.kind == .error {
                #expect(event.errorKind == "rate_limited" && (event.attempts ?? 0) >= maxAttempts,
                        "dead-lettered while attempts remained: \(event.text)")
            }
            #expect(report.errors == 0, "\(report)")
            // Held as one: the (at most 4) uploads in flight when the storm began are answered 429,
            // then every upload waits out Retry-After. Retrying each record on its own at 10/s
            // would collect about 30 answers of 429 in 3 s.
            #expect(throttled <= 15, "\(throttled) answers 429: the pacer did not hold the account: \(stats.responses)")
            let mostAttempts = events.compactMap(\.attempts).max() ?? 0
            #expect(mostAttempts <= 3, "a request needed \(mostAttempts) attempts: \(stats.responses)")
        }
    }
}
