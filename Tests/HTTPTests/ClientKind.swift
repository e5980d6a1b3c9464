import Testing
import HTTPClient

/// The clients every client test runs against.
enum ClientKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case curl
    case urlSession

    func make(maxConnectionsPerHost: Int = 256) -> any HTTPClient {
        switch self {
        case .curl: CurlHTTPClient(configuration: .init(maxConnectionsPerHost: maxConnectionsPerHost))
        case .urlSession: URLSessionHTTPClient(maxConnectionsPerHost: maxConnectionsPerHost)
        }
    }

    var testDescription: String { rawValue }
}
