import HTTPClient
import Testing

/// The two `HTTPClient` transports; wire tests run with each.
enum Transport: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case curl
    case urlSession

    func make() -> any HTTPClient {
        switch self {
        case .curl: return CurlHTTPClient()
        case .urlSession: return URLSessionHTTPClient()
        }
    }

    var testDescription: String { rawValue }
}
