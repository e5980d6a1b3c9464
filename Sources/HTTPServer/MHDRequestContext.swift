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
    /// Resumed with an answer; counted in `answersPending` until libmicrohttpd is done with it.
    let resumed = Atomic<Bool>(false)
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
