import CMicroHTTPD
import Synchronization

/// A `struct MHD_Connection *`. Sendable because the only call made on it away from libmicrohttpd's
/// own thread is `MHD_resume_connection`, which libmicrohttpd documents as callable from any thread
/// (it locks and signals the daemon's inter-thread channel).
struct MHDConnection: @unchecked Sendable {
    let pointer: OpaquePointer
}

/// One request on one connection, from its headers to its answer. libmicrohttpd keeps it in the
/// connection's `con_cls` slot (retained there, released by the request-completed callback).
///
/// `@unchecked Sendable`: the request fields are touched only by the access handler, which
/// libmicrohttpd calls for a given connection on one thread at a time; the handler's task gets a
/// copy (`makeRequest()`). The answer crosses threads through `response`, a mutex.
final class MHDRequestContext: @unchecked Sendable {
    enum Phase {
        /// Headers seen; body chunks may follow.
        case receiving
        /// The connection is suspended while the handler runs.
        case handling
        /// A response was queued (or the connection dropped); nothing more to do.
        case answered
    }

    let connection: MHDConnection
    var phase = Phase.receiving
    let method: String
    let path: String
    var query: String?
    var headers: [(name: String, value: String)] = []
    var body: [UInt8] = []
    /// The body grew past the cap; the rest is read and thrown away, then 413 is answered.
    var bodyTooLarge = false
    /// Resumed by the shutdown sweep with a 503; counted until that answer is sent.
    let answeredByShutdown = Atomic<Bool>(false)
    private let response = Mutex<HTTPResponse?>(nil)

    init(connection: MHDConnection, method: String, path: String) {
        self.connection = connection
        self.method = method
        self.path = path
    }

    func makeRequest() -> HTTPRequest {
        var request = HTTPRequest(method: method, path: path, query: query)
        // Names are lower-cased when collected; skip the init's second pass.
        request.headers = headers
        request.body = body
        return request
    }

    func setResponse(_ value: HTTPResponse) {
        response.withLock { $0 = value }
    }

    func takeResponse() -> HTTPResponse? {
        response.withLock { value in
            defer { value = nil }
            return value
        }
    }

    /// The declared body size, when the client sent `Content-Length`.
    var contentLength: Int? {
        headers.first { $0.name == "content-length" }.flatMap { Int($0.value) }
    }
}

/// What the C callbacks reach through the daemon's closure pointer: the handler, the limits, and
/// the connections that are suspended while their handler runs.
final class HTTPServerCore: Sendable {
    let handler: HTTPServer.Handler
    let maxBodySize: Int
    private let state = Mutex(SuspendedConnections())
    /// 503s queued by the shutdown sweep and not yet sent; `stop` waits (briefly) for them.
    let shutdownAnswersPending = Atomic<Int>(0)

    private struct SuspendedConnections {
        /// Set by shutdown: no new suspension; new requests are answered 503 right away.
        var stopping = false
        var byContext: [ObjectIdentifier: MHDRequestContext] = [:]
    }

    init(handler: @escaping HTTPServer.Handler, maxBodySize: Int) {
        self.handler = handler
        self.maxBodySize = maxBodySize
    }

    var handlersRunning: Int { state.withLock { $0.byContext.count } }

    /// Called on the I/O thread with the whole request read: suspends the connection and runs the
    /// handler as a task, which resumes the connection with its answer.
    ///
    /// Suspension, resumption and the shutdown sweep all happen under `state`'s lock, so each
    /// suspended connection is resumed exactly once and never after the daemon is gone.
    func dispatch(_ context: MHDRequestContext) -> MHD_Result {
        let request = context.makeRequest()
        context.body = []
        let suspended = state.withLock { state -> Bool in
            guard !state.stopping else { return false }
            MHD_suspend_connection(context.connection.pointer)
            state.byContext[ObjectIdentifier(context)] = context
            return true
        }
        guard suspended else {
            context.phase = .answered
            return mhdQueue(.text(503, "server shutting down\n"), on: context.connection.pointer)
        }
        context.phase = .handling
        Task { [self] in
            let response = await handler(request)
            finish(context, with: response)
        }
        return .YES
    }

    private func finish(_ context: MHDRequestContext, with response: HTTPResponse) {
        state.withLock { state in
            // Gone: the shutdown sweep already answered and resumed it.
            guard state.byContext.removeValue(forKey: ObjectIdentifier(context)) != nil else { return }
            context.setResponse(response)
            MHD_resume_connection(context.connection.pointer)
        }
    }

    /// Refuses new work and resumes every suspended connection with a 503, so that none is left
    /// suspended when the daemon stops (libmicrohttpd must not stop with suspended connections).
    /// Called by the request-completed callback.
    func requestCompleted(_ context: MHDRequestContext) {
        if context.answeredByShutdown.load(ordering: .relaxed) {
            shutdownAnswersPending.subtract(1, ordering: .relaxed)
        }
    }

    func resumeAllForShutdown() {
        state.withLock { state in
            state.stopping = true
            for context in state.byContext.values {
                context.setResponse(.text(503, "server shutting down\n"))
                context.answeredByShutdown.store(true, ordering: .relaxed)
                shutdownAnswersPending.add(1, ordering: .relaxed)
                MHD_resume_connection(context.connection.pointer)
            }
            state.byContext.removeAll()
        }
    }
}
