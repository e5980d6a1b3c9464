/// `HTTPClient` over libcurl's multi interface, without Foundation in the request path.
///
/// One dedicated thread drives every transfer (`curl_multi_poll`), so a request costs no thread
/// and no cooperative-pool time while it waits; easy handles and connections are reused
/// (keep-alive) across requests. `execute` suspends on a continuation that the engine thread
/// resumes. Cancelling the calling task aborts the transfer.
///
/// Unlike URLSession it does not follow redirects, speaks only http and https, and honours the
/// usual proxy environment variables (`http_proxy`, `https_proxy`, `no_proxy`) as libcurl does.
public final class CurlHTTPClient: HTTPClient {
    public struct Configuration: Sendable {
        /// Connections open at once to one host; further requests wait for one. Default: 256.
        public var maxConnectionsPerHost: Int
        /// Idle keep-alive connections (and easy handles) kept for reuse. Default: 1024.
        public var maxIdleConnections: Int
        /// A larger response body fails with `.responseTooLarge`. Default: 64 MiB.
        public var maxResponseSize: Int

        public init(maxConnectionsPerHost: Int = 256, maxIdleConnections: Int = 1024, maxResponseSize: Int = 64 << 20) {
            self.maxConnectionsPerHost = maxConnectionsPerHost
            self.maxIdleConnections = maxIdleConnections
            self.maxResponseSize = maxResponseSize
        }
    }

    private let engine: CurlMultiEngine

    public init(configuration: Configuration = .init()) {
        engine = CurlMultiEngine(configuration: configuration)
    }

    deinit {
        engine.shutdown()
    }

    public func execute(_ request: HTTPClientRequest) async throws(HTTPClientError) -> HTTPClientResponse {
        let engine = self.engine
        let id = engine.makeID()
        let result = await withTaskCancellationHandler {
            await withUnsafeContinuation { continuation in
                engine.submit(CurlTransfer(id: id, request: request, maxResponseSize: engine.configuration.maxResponseSize, continuation: continuation))
            }
        } onCancel: {
            engine.cancel(id)
        }
        return try result.get()
    }

    /// Fails requests in flight and later ones with `.shutdown`; the engine thread then ends and
    /// closes its connections. Does not block.
    public func shutdown() {
        engine.shutdown()
    }
}
