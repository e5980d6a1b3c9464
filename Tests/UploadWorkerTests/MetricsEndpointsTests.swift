import HTTPClient
import HTTPServer
import Testing
@testable import UploadWorker

@Suite("Health and monitoring endpoints")
struct MetricsEndpointsTests {
    @Test func livenessFollowsThePollLoop() {
        let clock = ManualClock()
        let health = HealthState(livenessTimeout: .seconds(60), clock: clock)
        #expect(health.phase == .starting)
        #expect(health.liveness() == .init(isHealthy: true, detail: "ok"))
        clock.advance(by: .seconds(60))
        #expect(health.liveness().isHealthy)
        clock.advance(by: .seconds(1))
        #expect(health.liveness() == .init(isHealthy: false, detail: "no poll for 61s (limit 60s)"))
        health.recordPoll()
        #expect(health.liveness().isHealthy)
        #expect(health.sinceLastPoll == .zero)
    }

    @Test func readinessFollowsThePhase() {
        let clock = ManualClock()
        let health = HealthState(clock: clock)
        #expect(health.readiness() == .init(isHealthy: false, detail: "starting"))
        #expect(health.enter(.ready))
        #expect(health.readiness() == .init(isHealthy: true, detail: "ready"))
        clock.advance(by: .seconds(90))
        #expect(health.readiness().isHealthy == false)  // a stalled loop is not ready either
        health.recordPoll()
        #expect(health.enter(.draining))
        #expect(!health.enter(.ready))  // no way back
        #expect(health.phase == .draining)
        #expect(health.readiness() == .init(isHealthy: false, detail: "draining"))
        #expect(health.liveness().isHealthy)
        #expect(health.enter(.stopped))
        #expect(health.liveness() == .init(isHealthy: false, detail: "stopped"))
    }

    @Test func endpoints() {
        let clock = ManualClock()
        let health = HealthState(clock: clock)
        let metrics = WorkerMetrics()
        metrics.recordsConsumed.increment(by: 2)
        let endpoints = MonitoringEndpoints(health: health, metrics: metrics.registry)

        let m = endpoints.handle(HTTPRequest(method: "GET", path: "/metrics"))
        #expect(m.status == 200)
        #expect(m.headers.contains { $0.name == "Content-Type" && $0.value == "text/plain; version=0.0.4; charset=utf-8" })
        #expect(String(decoding: m.body, as: UTF8.self) == metrics.registry.render())

        let live = endpoints.handle(HTTPRequest(method: "GET", path: "/healthz"))
        #expect(live.status == 200 && String(decoding: live.body, as: UTF8.self) == "ok\n")
        let notReady = endpoints.handle(HTTPRequest(method: "GET", path: "/readyz"))
        #expect(notReady.status == 503 && String(decoding: notReady.body, as: UTF8.self) == "starting\n")
        health.enter(.ready)
        #expect(endpoints.handle(HTTPRequest(method: "GET", path: "/readyz")).status == 200)
        clock.advance(by: .seconds(61))
        #expect(endpoints.handle(HTTPRequest(method: "GET", path: "/healthz")).status == 503)

        let head = endpoints.handle(HTTPRequest(method: "HEAD", path: "/metrics"))
        #expect(head.status == 200 && head.body.isEmpty)
        let post = endpoints.handle(HTTPRequest(method: "POST", path: "/metrics"))
        #expect(post.status == 405 && post.headers.contains { $0.name == "Allow" })
        #expect(endpoints.handle(HTTPRequest(method: "GET", path: "/nope")).status == 404)
    }

    @Test func servedOverHTTP() async throws {
        let health = HealthState(clock: ManualClock())
        let metrics = WorkerMetrics()
        metrics.recordsConsumed.increment(by: 9)
        let endpoints = MonitoringEndpoints(health: health, metrics: metrics.registry)
        let server = endpoints.makeServer(listen: .init(host: "127.0.0.1", port: 0))
        try server.start()
        let client = CurlHTTPClient()
        do {
            let base = "http://127.0.0.1:\(server.port)"
            let m = try await client.execute(HTTPClientRequest(url: base + "/metrics"))
            #expect(m.status == 200)
            #expect(m.header("content-type") == MetricsRegistry.prometheusContentType)
            #expect(String(decoding: m.body, as: UTF8.self).contains("upload_worker_records_consumed_total 9\n"))
            let ready = try await client.execute(HTTPClientRequest(url: base + "/readyz"))
            #expect(ready.status == 503 && String(decoding: ready.body, as: UTF8.self) == "starting\n")
            health.enter(.ready)
            #expect(try await client.execute(HTTPClientRequest(url: base + "/readyz")).status == 200)
        } catch {
            Issue.record("request failed: \(error)")
        }
        client.shutdown()
        await server.shutdown()
    }
}
