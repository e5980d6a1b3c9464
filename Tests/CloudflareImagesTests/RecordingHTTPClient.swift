import HTTPClient
import Synchronization

/// An in-memory `HTTPClient`: records every request and answers with a closure.
final class RecordingHTTPClient: HTTPClient {
    typealias Responder = @Sendable (HTTPClientRequest) -> Result<HTTPClientResponse, HTTPClientError>

    private let responder: Responder
    private let recorded = Mutex<[HTTPClientRequest]>([])

    init(_ responder: @escaping Responder) { self.responder = responder }

    convenience init(answer: HTTPClientResponse) { self.init { _ in .success(answer) } }

    var requests: [HTTPClientRequest] { recorded.withLock { $0 } }

    func execute(_ request: HTTPClientRequest) async throws(HTTPClientError) -> HTTPClientResponse {
        recorded.withLock { $0.append(request) }
        return try responder(request).get()
    }

    func shutdown() {}
}

extension HTTPClientRequest {
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}
