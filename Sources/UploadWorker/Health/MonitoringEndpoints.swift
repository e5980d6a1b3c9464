import HTTPServer

/// The handler of the worker's monitoring server: `/metrics` (Prometheus), `/healthz`
/// (liveness) and `/readyz` (readiness), as a plain function of the request so that it can be
/// tested without a server and mounted on any `HTTPServer`.
public struct MonitoringEndpoints: Sendable {
    public let health: HealthState
    public let metrics: MetricsRegistry

    public init(health: HealthState, metrics: MetricsRegistry) {
        self.health = health
        self.metrics = metrics
    }

    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        let isHead = request.method == "HEAD"
        guard request.method == "GET" || isHead else {
            var r = HTTPResponse.text(405, "method not allowed\n")
            r.headers.append(("Allow", "GET, HEAD"))
            return r
        }
        var response: HTTPResponse
        switch request.path {
        case "/metrics":
            response = .text(200, metrics.render(), contentType: MetricsRegistry.prometheusContentType)
        case "/healthz", "/livez":
            response = Self.answer(health.liveness())
        case "/readyz":
            response = Self.answer(health.readiness())
        default:
            response = .text(404, "not found; try /metrics, /healthz or /readyz\n")
        }
        response.headers.append(("Cache-Control", "no-store"))
        if isHead { response.body = [] }
        return response
    }

    private static func answer(_ check: HealthState.Check) -> HTTPResponse {
        .text(check.isHealthy ? 200 : 503, check.detail + "\n")
    }
}
