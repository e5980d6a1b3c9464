import CMicroHTTPD
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
        self.core = HTTPServerCore(handler: handler, maxBodySize: configuration.maxBodySize)
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
        // Give the I/O thread a moment to send those 503s before every connection is closed.
        let deadline = ContinuousClock.now + .milliseconds(200)
        while core.shutdownAnswersPending.load(ordering: .relaxed) > 0, ContinuousClock.now < deadline {
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
        while core.handlersRunning > 0, ContinuousClock.now < deadline {
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

/// Owns a `struct MHD_Daemon *`: started in init, stopped by `stop()` or deinit.
///
/// `@unchecked Sendable`: libmicrohttpd's daemon is thread-safe for the calls made here
/// (`MHD_get_daemon_info`, `MHD_quiesce_daemon`, `MHD_stop_daemon`); `stopped` and the quiesced
/// socket are guarded by `lock`.
final class MHDDaemon: @unchecked Sendable {
    private let pointer: OpaquePointer
    let port: Int
    /// Keeps the core alive while the daemon may call back into it.
    private let core: HTTPServerCore
    private let lock = Mutex(StopState())

    private struct StopState {
        var stopped = false
        /// The listening socket handed back by `MHD_quiesce_daemon`; ours to close.
        var quiescedSocket: Int32 = -1
    }

    init(configuration: HTTPServerConfiguration, core: HTTPServerCore) throws(HTTPServerError) {
        guard configuration.port >= 0, configuration.port <= 65535 else {
            throw HTTPServerError(.invalidConfiguration, "port \(configuration.port) out of range")
        }
        guard configuration.ioThreads >= 1, configuration.connectionLimit >= 1, configuration.maxBodySize >= 0 else {
            throw HTTPServerError(.invalidConfiguration, "ioThreads and connectionLimit must be at least 1")
        }
        let address = try SocketAddress(host: configuration.host, port: UInt16(configuration.port))
        var flags = MHD_USE_EPOLL_INTERNAL_THREAD.rawValue | MHD_ALLOW_SUSPEND_RESUME.rawValue
        if address.isIPv6 { flags |= MHD_USE_IPv6.rawValue }

        let completed: MHD_RequestCompletedCallback = mhdRequestCompleted
        let unescape: @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, UnsafeMutablePointer<CChar>?) -> Int = mhdKeepEscaped
        let coreOpaque = Unmanaged.passUnretained(core).toOpaque()
        let idleSeconds = max(1, configuration.idleTimeout.components.seconds)

        let started: OpaquePointer? = address.withSockaddr { sockaddr in
            var options: [CVarArg] = [
                MHD_OPTION.SOCK_ADDR.rawValue, OpaquePointer(sockaddr),
                MHD_OPTION.CONNECTION_LIMIT.rawValue, UInt32(configuration.connectionLimit),
                MHD_OPTION.CONNECTION_TIMEOUT.rawValue, UInt32(clamping: idleSeconds),
                MHD_OPTION.LISTEN_BACKLOG_SIZE.rawValue, UInt32(configuration.listenBacklog),
                MHD_OPTION.NOTIFY_COMPLETED.rawValue, unsafeBitCast(completed, to: OpaquePointer.self), OpaquePointer(coreOpaque),
                MHD_OPTION.UNESCAPE_CALLBACK.rawValue, unsafeBitCast(unescape, to: OpaquePointer.self), OpaquePointer(coreOpaque),
            ]
            if configuration.ioThreads > 1 {
                options += [MHD_OPTION.THREAD_POOL_SIZE.rawValue, UInt32(configuration.ioThreads)]
            }
            options.append(MHD_OPTION.END.rawValue)
            return withVaList(options) { va in
                MHD_start_daemon_va(flags, UInt16(configuration.port), nil, nil, mhdAccessHandler, coreOpaque, va)
            }
        }
        guard let started else {
            let reason = String(cString: strerror(errno))
            throw HTTPServerError(.bindFailed, "cannot listen on \(configuration.host):\(configuration.port): \(reason)")
        }
        self.pointer = started
        self.port = Int(uw_mhd_bound_port(started))
        self.core = core
    }

    var openConnections: Int { Int(uw_mhd_current_connections(pointer)) }

    /// Closes the listening socket's intake; open connections go on being served.
    func quiesce() {
        lock.withLock { state in
            guard !state.stopped, state.quiescedSocket < 0 else { return }
            state.quiescedSocket = MHD_quiesce_daemon(pointer)
        }
    }

    func stop() {
        let socket = lock.withLock { state -> Int32? in
            guard !state.stopped else { return nil }
            state.stopped = true
            return state.quiescedSocket
        }
        guard let socket else { return }
        MHD_stop_daemon(pointer)
        if socket >= 0 { close(socket) }
    }

    deinit {
        stop()
    }
}
