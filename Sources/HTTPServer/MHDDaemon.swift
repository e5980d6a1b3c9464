import CMicroHTTPD
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

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
