import CMicroHTTPD
import Synchronization

/// What the C callbacks reach through the daemon's closure pointer: the handler, the limits, and
/// the connections that are suspended while their handler runs.
final class HTTPServerCore: Sendable {
    let handler: HTTPServer.Handler
    let maxBodySize: Int
    let maxDiscardedBodySize: Int
    private let state = Mutex(SuspendedConnections())
    /// Connections resumed with an answer that is not sent yet; `stop` waits (briefly) for them,
    /// so that an answer ready just before stopping is not cut off.
    let answersPending = Atomic<Int>(0)

    private struct SuspendedConnections {
        /// Set by shutdown: no new suspension; new requests are answered 503 right away.
        var stopping = false
        var byContext: [ObjectIdentifier: MHDRequestContext] = [:]
    }

    init(handler: @escaping HTTPServer.Handler, maxBodySize: Int, maxDiscardedBodySize: Int) {
        self.handler = handler
        self.maxBodySize = maxBodySize
        self.maxDiscardedBodySize = maxDiscardedBodySize
    }

    var handlersRunning: Int { state.withLock { $0.byContext.count } }

    /// Handlers running plus answers not yet sent: zero when stopping would cut nothing off.
    var requestsInFlight: Int { handlersRunning + answersPending.load(ordering: .relaxed) }

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
            markResumed(context)
            MHD_resume_connection(context.connection.pointer)
        }
    }

    /// Refuses new work and resumes every suspended connection with a 503, so that none is left
    /// suspended when the daemon stops (libmicrohttpd must not stop with suspended connections).
    private func markResumed(_ context: MHDRequestContext) {
        context.resumed.store(true, ordering: .relaxed)
        answersPending.add(1, ordering: .relaxed)
    }

    /// Called by the request-completed callback (answer sent, connection dropped, or daemon stopped).
    func requestCompleted(_ context: MHDRequestContext) {
        if context.resumed.load(ordering: .relaxed) {
            answersPending.subtract(1, ordering: .relaxed)
        }
    }

    func resumeAllForShutdown() {
        state.withLock { state in
            state.stopping = true
            for context in state.byContext.values {
                context.setResponse(.text(503, "server shutting down\n"))
                markResumed(context)
                MHD_resume_connection(context.connection.pointer)
            }
            state.byContext.removeAll()
        }
    }
}
