/// How an `HTTPServer` binds and how much it accepts.
public struct HTTPServerConfiguration: Sendable {
    /// The address to bind, IPv4 or IPv6 literal. Default: `127.0.0.1`.
    public var host: String
    /// The port to bind; 0 picks an ephemeral port, reported by `HTTPServer.port`. Default: 0.
    public var port: Int
    /// Largest request body accepted; a larger one is answered 413 without calling the handler.
    /// Default: 1 MiB.
    public var maxBodySize: Int
    /// Open connections at most; further ones are refused by closing them. Default: 10,000.
    public var connectionLimit: Int
    /// Threads that do the socket I/O (each with its own epoll set). 1 means one internal polling
    /// thread; handlers never run there, they run as Swift tasks. Default: 1.
    public var ioThreads: Int
    /// An idle keep-alive connection is closed after this long. Default: 60 seconds.
    public var idleTimeout: Duration
    /// The kernel's queue of connections not yet accepted. Default: 1024.
    public var listenBacklog: Int
    /// How long `shutdown(gracePeriod:)` waits by default for running handlers. Default: 5 seconds.
    public var shutdownGracePeriod: Duration

    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        maxBodySize: Int = 1 << 20,
        connectionLimit: Int = 10_000,
        ioThreads: Int = 1,
        idleTimeout: Duration = .seconds(60),
        listenBacklog: Int = 1024,
        shutdownGracePeriod: Duration = .seconds(5)
    ) {
        self.host = host
        self.port = port
        self.maxBodySize = maxBodySize
        self.connectionLimit = connectionLimit
        self.ioThreads = ioThreads
        self.idleTimeout = idleTimeout
        self.listenBacklog = listenBacklog
        self.shutdownGracePeriod = shutdownGracePeriod
    }
}

/// Why the server could not start.
public struct HTTPServerError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case invalidAddress = "invalid_address"
        case bindFailed = "bind_failed"
        case alreadyStarted = "already_started"
        case invalidConfiguration = "invalid_configuration"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
