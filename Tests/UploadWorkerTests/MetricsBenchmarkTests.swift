import Testing
@testable import UploadWorker

@Suite("Metrics benchmark", .enabled(if: Bench.enabled))
struct MetricsBenchmarkTests {
    @Test func updatesAndRender() {
        let n = 1_000_000
        let m = WorkerMetrics()
        Bench.report("counter increment", operations: n) {
            for _ in 0..<n { m.recordsConsumed.increment() }
        }
        Bench.report("gauge increment", operations: n) {
            for _ in 0..<n { m.inFlight.increment() }
        }
        Bench.report("labelled counter lookup + increment", operations: n) {
            for _ in 0..<n { m.eventsPublished(type: "result", kind: "uploaded").increment() }
        }
        let latency = m.apiLatency(operation: "upload", outcome: "success")
        Bench.report("histogram observe", operations: n) {
            for i in 0..<n { latency.record(.milliseconds(i % 1000)) }
        }
        for p in 0..<64 {
            m.committedOffset(topic: "requests", partition: Int32(p)).set(p * 1000)
            m.uncommittedRecords(topic: "requests", partition: Int32(p)).set(p)
        }
        var size = 0
        Bench.report("render /metrics (\(m.registry.render().count) bytes)", operations: 1000) {
            for _ in 0..<1000 { size += m.registry.render().count }
        }
        #expect(size > 0)
    }
}
