/// How an `HTTPServer` binds and how much it accepts.
public struct HTTPServerConfiguration: Sendable {
    /// The address to bind, IPv4 or IPv6 literal. Default: `127.0.0.1`.
    public var host: String
    /// The port to bind; 0 picks an ephemeral port, reported by `HTTPServer.port`. Default: 0.
    public var port: Int
    /// Largest request body accepted; a larger one is answered 413 without calling the handler.
    /// Default: 1 MiB.
    public var maxBodySize: Int
    /// A body over `maxBodySize` but under this is still read (and thrown away) before the 413,
    /// so that a client still sending sees the answer instead of a reset connection. A larger
    /// declared body is answered 413 at once and the connection closed. Default: 64 MiB.
    public var maxDiscardedBodySize: Int
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
        maxDiscardedBodySize: Int = 64 << 20,
        connectionLimit: Int = 10_000,
        ioThreads: Int = 1,
        idleTimeout: Duration = .seconds(60),
        listenBacklog: Int = 1024,
        shutdownGracePeriod: Duration = .seconds(5)
    ) {
        self.host = host
        self.port = port
        self.maxBodySize = maxBodySize
        self.maxDiscardedBodySize = maxDiscardedBodySize
        self.connectionLimit = connectionLimit
        self.ioThreads = ioThreads
        self.idleTimeout = idleTimeout
        self.listenBacklog = listenBacklog
        self.shutdownGracePeriod = shutdownGracePeriod
    }
}
