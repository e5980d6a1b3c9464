import HTTPServer
import Logging

extension ImagesEmulator {
    /// Serves the emulator over HTTP on `configuration.host`/`port` and returns the bound port.
    /// Once: an emulator that was stopped does not start again.
    @discardableResult
    public func start() throws(HTTPServerError) -> Int {
        let serverConfiguration = HTTPServerConfiguration(
            host: configuration.host, port: configuration.port, maxBodySize: configuration.maxRequestBodyBytes)
        // Weak: the server must not keep the emulator alive, nor the emulator's stop be needed
        // to free both.
        let server = HTTPServer(configuration: serverConfiguration) { [weak self] request in
            guard let self else { return .text(503, "emulator stopped\n") }
            return await self.handle(request)
        }
        try self.server.withLock { (slot: inout HTTPServer?) throws(HTTPServerError) in
            guard slot == nil, !stopped.load(ordering: .relaxed) else {
                throw HTTPServerError(.alreadyStarted, "ImagesEmulator.start() called twice or after stop()")
            }
            try server.start()
            slot = server
        }
        let port = server.port
        state.withLock { $0.boundPort = port }
        logger.info("images emulator listening", metadata: [
            "url": "\(baseURL)", "origin": "\(originURL)", "token_required": "\(configuration.token != nil)",
        ])
        return port
    }

    /// Stops serving (running requests get up to `gracePeriod`) and shuts down the emulator's own
    /// HTTP client. Idempotent.
    public func stop(gracePeriod: Duration = .seconds(1)) async {
        let running = server.withLock { slot -> HTTPServer? in
            stopped.store(true, ordering: .relaxed)
            defer { slot = nil }
            return slot
        }
        guard let running else { return }
        await running.shutdown(gracePeriod: gracePeriod)
        if ownsHTTPClient { httpClient.shutdown() }
    }
}
