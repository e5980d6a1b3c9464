import HTTPClient
import HTTPServer
import Synchronization

/// An `HTTPServer` on an ephemeral loopback port that records every request and answers from a
/// closure.
final class CannedServer: Sendable {
    typealias Answer = @Sendable (HTTPRequest) async -> HTTPResponse

    /// The requests received so far.
    final class Recorder: Sendable {
        let requests = Mutex<[HTTPRequest]>([])
    }

    let server: HTTPServer
    private let recorder = Recorder()

    private init(_ answer: @escaping Answer) {
        let recorder = recorder
        server = HTTPServer(configuration: .init(host: "127.0.0.1", port: 0)) { request in
            recorder.requests.withLock { $0.append(request) }
            return await answer(request)
        }
    }

    var baseURL: String { "http://127.0.0.1:\(server.port)/client/v4" }
    var requests: [HTTPRequest] { recorder.requests.withLock { $0 } }

    /// Runs `body` with a started server and a fresh transport; stops both whatever happens.
    static func with<T>(
        _ transport: Transport, answer: @escaping Answer,
        _ body: (_ server: CannedServer, _ http: any HTTPClient) async throws -> T
    ) async throws -> T {
        let canned = CannedServer(answer)
        try canned.server.start()
        let http = transport.make()
        defer { http.shutdown() }
        do {
            let result = try await body(canned, http)
            await canned.server.shutdown(gracePeriod: .zero)
            return result
        } catch {
            await canned.server.shutdown(gracePeriod: .zero)
            throw error
        }
    }

    /// The same with one fixed answer.
    static func with<T>(
        _ transport: Transport, status: Int, body text: String,
        headers: [(name: String, value: String)] = [("Content-Type", "application/json")],
        _ body: (_ server: CannedServer, _ http: any HTTPClient) async throws -> T
    ) async throws -> T {
        let bytes = Array(text.utf8)
        return try await with(transport, answer: { _ in HTTPResponse(status: status, headers: headers, body: bytes) }, body)
    }
}
