import CloudflareImages
import Foundation
import HTTPClient
import HTTPServer
import Logging
import Synchronization

/// A local Cloudflare Images API (v1 upload by URL, details, delete) that behaves like the real
/// one: Bearer auth, Cloudflare's envelopes, codes and statuses, a real fetch of the source URL
/// with format, size and dimension checks, custom ID rules, a rate limit with the real headers,
/// and seeded fault injection. Images live in memory.
///
/// Use `handle(_:)` directly, or `start()` to serve it over HTTP on loopback. Paths are
/// Cloudflare's under `/client/v4` (a client's base URL is `baseURL`), plus the built-in origin
/// under `/origin/` and the control endpoints under `/__emulator/`.
public final class ImagesEmulator: Sendable {
    public let configuration: Configuration

    struct State {
        var knobs: Knobs
        var limiter: RateLimiter
        var images: [String: StoredImage] = [:]
        var stats = EmulatorStats()
        var boundPort: Int?
    }

    let state: Mutex<State>
    let origin: BuiltInOrigin
    let faults: FaultInjector
    let imageIDs = ImageIDGenerator()
    /// API requests that reached fault injection since start or reset: the n of `FaultInjector`.
    let faultCounter = Atomic<UInt64>(0)
    let httpClient: any HTTPClient
    let ownsHTTPClient: Bool
    let logger: Logger
    /// The running server, between `start()` and `stop()`.
    let server = Mutex<HTTPServer?>(nil)
    let stopped = Atomic<Bool>(false)

    /// `httpClient` fetches source URLs; by default the emulator makes (and shuts down) its own
    /// `CurlHTTPClient`, which reads at most `maxImageBytes + 1` bytes of a source.
    public init(configuration: Configuration = Configuration(), httpClient: (any HTTPClient)? = nil,
                logger: Logger = Logger(label: "images-emulator")) {
        self.configuration = configuration
        self.state = Mutex(State(knobs: configuration.knobs, limiter: RateLimiter(limit: configuration.knobs.rateLimit)))
        self.origin = BuiltInOrigin(user: configuration.originUser, password: configuration.originPassword)
        self.faults = FaultInjector(seed: configuration.seed)
        self.httpClient = httpClient ?? CurlHTTPClient(configuration: .init(maxResponseSize: configuration.maxImageBytes + 1))
        self.ownsHTTPClient = httpClient == nil
        self.logger = logger
    }

    // MARK: - Addresses

    /// The bound port once started, else the configured one when it is not 0.
    public var port: Int? {
        state.withLock { $0.boundPort } ?? (configuration.port != 0 ? configuration.port : nil)
    }

    /// What an Images client uses as its base URL: `http://<host>:<port>/client/v4`.
    public var baseURL: String { "http://\(hostForURLs):\(port ?? 0)/client/v4" }

    /// The built-in origin: `http://<host>:<port>/origin` (append `/cat-800x600.png`...).
    public var originURL: String { "http://\(hostForURLs):\(port ?? 0)/origin" }

    private var hostForURLs: String {
        let h = configuration.host
        if h == "0.0.0.0" || h.isEmpty { return "127.0.0.1" }
        return h.contains(":") && !h.hasPrefix("[") ? "[\(h)]" : h
    }

    // MARK: - Control

    /// Counts since start or the last `reset()`.
    public func stats() -> EmulatorStats {
        state.withLock {
            var s = $0.stats
            s.images = $0.images.count
            return s
        }
    }

    /// Forgets every image and count, restarts the rate-limit window and the fault sequence;
    /// the knobs stay as they are.
    public func reset() {
        state.withLock {
            $0.images.removeAll()
            $0.stats = EmulatorStats()
            $0.limiter.setLimit($0.limiter.limit)
            $0.limiter.block(until: nil)
        }
        faultCounter.store(0, ordering: .relaxed)
    }

    public var knobs: Knobs { state.withLock { $0.knobs } }

    /// Changes latency, faults or the rate limit while running; a changed limit starts a new window.
    public func updateKnobs(_ change: (inout Knobs) -> Void) {
        state.withLock {
            var k = $0.knobs
            change(&k)
            if k.rateLimit != $0.knobs.rateLimit { $0.limiter.setLimit(k.rateLimit) }
            $0.knobs = k
        }
    }

    /// Answers every API request with 429 (code 971, `Retry-After`) for this long: a 429 storm.
    public func throttle(for duration: Duration) {
        state.withLock { $0.limiter.block(until: .now + duration) }
    }

    /// An image held by the emulator.
    public func image(id: String) -> Image? {
        state.withLock { $0.images[id] }?.image
    }

    // MARK: - Requests

    /// Answers one request as the HTTP server would.
    public func handle(_ request: HTTPRequest) async -> HTTPResponse {
        let path = request.path
        if path.hasPrefix("/origin/") { return await serveOrigin(request) }
        if path.hasPrefix("/__emulator/") { return control(request) }
        let response = await api(request)
        let key = response.dropsConnection ? "dropped" : String(response.status)
        state.withLock { $0.stats.responses[key, default: 0] += 1 }
        return response
    }

    private func serveOrigin(_ request: HTTPRequest) async -> HTTPResponse {
        state.withLock { $0.stats.originRequests += 1 }
        guard request.method == "GET" || request.method == "HEAD" else { return .text(405, "Method Not Allowed") }
        switch await origin.serve(path: request.path, query: request.query, authorization: request.header("authorization")) {
        case .response(let r): return r
        case .timedOut: return .text(504, "Gateway Timeout")
        }
    }

    private func api(_ request: HTTPRequest) async -> HTTPResponse {
        guard let route = APIRoute(method: request.method, path: request.path) else { return APIFailure.noRoute.response }
        let knobs = state.withLock { $0.knobs }
        if knobs.latency > .zero { try? await Task.sleep(for: knobs.latency) }
        if let failure = authenticate(request, account: route.account) { return failure.response }

        let decision = state.withLock { $0.limiter.admit(now: .now) }
        var response: HTTPResponse
        if !decision.allowed {
            response = APIFailure.rateLimited.response
        } else {
            let n = faultCounter.add(1, ordering: .relaxed).newValue
            switch faults.fault(forRequest: n, knobs: knobs) {
            case .drop:
                return .dropConnection
            case .fail:
                response = APIFailure.injected500.response
            case .slow:
                try? await Task.sleep(for: knobs.slowDelay)
                response = await answer(route, request)
            case .none:
                response = await answer(route, request)
            }
        }
        response.headers.append(contentsOf: decision.headers)
        return response
    }

    private func answer(_ route: APIRoute, _ request: HTTPRequest) async -> HTTPResponse {
        switch route.action {
        case .upload: return await upload(request)
        case .list: return list(query: request.query)
        case .details(let id):
            guard let stored = state.withLock({ $0.images[id] }) else { return APIFailure.notFound.response }
            return APISuccess.response(resultJSON: stored.json)
        case .delete(let id):
            let removed = state.withLock { $0.images.removeValue(forKey: id) }
            return removed == nil ? APIFailure.notFound.response : APISuccess.response(resultJSON: "{}")
        }
    }

    /// `GET .../images/v1?page=&per_page=`: the v1 list, newest first.
    private func list(query: String?) -> HTTPResponse {
        let page = max(1, Int(BuiltInOrigin.queryValue("page", in: query) ?? "") ?? 1)
        let perPage = min(10_000, max(10, Int(BuiltInOrigin.queryValue("per_page", in: query) ?? "") ?? 1000))
        let all = state.withLock { Array($0.images.values) }.sorted { ($0.uploaded, $0.id) > ($1.uploaded, $1.id) }
        let slice = all.dropFirst((page - 1) * perPage).prefix(perPage)
        return APISuccess.response(resultJSON: "{\"images\":[" + slice.map(\.json).joined(separator: ",") + "]}")
    }

    /// Bearer token (or the legacy `X-Auth-Email` + `X-Auth-Key`), then the account in the path.
    private func authenticate(_ request: HTTPRequest, account: String) -> APIFailure? {
        if let authorization = request.header("authorization") {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].trimmingSpaces.isEmpty else {
                return .badAuthFormat
            }
            if let token = configuration.token, parts[1].trimmingSpaces != token { return .badToken }
        } else if let key = request.header("x-auth-key"), request.header("x-auth-email") != nil {
            if let token = configuration.token, key != token { return .badToken }
        } else {
            return .missingAuth
        }
        if let expected = configuration.accountID, account != expected { return .wrongAccount }
        return nil
    }
}
