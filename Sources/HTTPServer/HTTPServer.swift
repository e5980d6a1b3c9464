import Dispatch
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A small HTTP/1.1 server over libmicrohttpd.
///
/// Threading: libmicrohttpd's own thread(s) do all socket I/O with epoll (`ioThreads`, default one).
/// When a request is complete its connection is suspended and the handler runs as a Swift task on
/// the cooperative pool; its answer resumes the connection. So a handler may await for as long as it
/// likes (sleep, fetch a URL) without holding a thread, and thousands of keep-alive connections cost
/// only their sockets.
///
/// Sendable: the configuration and the core are immutable or behind locks; the daemon handle is
/// behind `daemon`'s mutex.
public final class HTTPServer: Sendable {
    public typealias Handler = @Sendable (HTTPRequest) async -> HTTPResponse

    public let configuration: HTTPServerConfiguration
    private let logger: Logger
    private let core: HTTPServerCore
    private let daemon = Mutex(DaemonState.idle)

    private enum DaemonState {
        case idle
        case running(MHDDaemon)
        case stopped
    }

    public init(configuration: HTTPServerConfiguration = .init(), logger: Logger = Logger(label: "http-server"), handler: @escaping Handler) {
        self.configuration = configuration
        self.logger = logger
        self.core = HTTPServerCore(
            handler: handler, maxBodySize: configuration.maxBodySize, maxDiscardedBodySize: configuration.maxDiscardedBodySize)
    }

    /// A server whose requests go through `router`.
    public convenience init(configuration: HTTPServerConfiguration = .init(), logger: Logger = Logger(label: "http-server"), router: HTTPRouter) {
        self.init(configuration: configuration, logger: logger, handler: { request in await router.handle(request) })
    }

    deinit {
        stop()
    }

    /// Binds and starts serving. Throws when the address is invalid or taken.
    public func start() throws(HTTPServerError) {
        try daemon.withLock { (state: inout DaemonState) throws(HTTPServerError) in
            guard case .idle = state else { throw HTTPServerError(.alreadyStarted, "start() called twice") }
            let started = try MHDDaemon(configuration: configuration, core: core)
            state = .running(started)
            logger.debug("HTTP server listening", metadata: ["host": "\(configuration.host)", "port": "\(started.port)"])
        }
    }

    /// The bound port (the ephemeral one when configured with 0); 0 before `start()` and after `stop()`.
    public var port: Int {
        daemon.withLock { state in
            if case .running(let d) = state { return d.port }
            return 0
        }
    }

    /// Connections open right now.
    public var openConnections: Int {
        daemon.withLock { state in
            if case .running(let d) = state { return d.openConnections }
            return 0
        }
    }

    /// Handlers running right now.
    public var handlersRunning: Int { core.handlersRunning }

    /// Stops at once: handlers still running have their connections answered 503 (their results are
    /// dropped; up to 200 ms is given to send those), then every connection is closed and
    /// libmicrohttpd's threads are joined. Blocks the caller for that (milliseconds); from async code
    /// prefer `shutdown(gracePeriod:)`.
    /// Idempotent.
    public func stop() {
        let running = daemon.withLock { state -> MHDDaemon? in
            defer { state = .stopped }
            if case .running(let d) = state { return d }
            return nil
        }
        guard let running else { return }
        let abandoned = core.handlersRunning
        core.resumeAllForShutdown()
        // Give the I/O thread a moment to send the answers (those 503s, and any handler's answer
        // that arrived just before) before every connection is closed.
        let deadline = ContinuousClock.now + .milliseconds(200)
        while core.answersPending.load(ordering: .relaxed) > 0, ContinuousClock.now < deadline {
            usleep(1000)
        }
        running.stop()
        logger.debug("HTTP server stopped", metadata: ["port": "\(running.port)", "abandoned_handlers": "\(abandoned)"])
    }

    /// Stops accepting connections, lets running handlers finish for up to `gracePeriod` (default:
    /// the configuration's), then stops on a thread of its own, off the cooperative pool.
    public func shutdown(gracePeriod: Duration? = nil) async {
        let running = daemon.withLock { state -> MHDDaemon? in
            if case .running(let d) = state { return d }
            return nil
        }
        guard let running else { return }
        running.quiesce()
        let deadline = ContinuousClock.now + (gracePeriod ?? configuration.shutdownGracePeriod)
        while core.requestsInFlight > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                self.stop()
                continuation.resume()
            }
        }
    }
}
