import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `HTTPClient` over Foundation's URLSession (libcurl underneath on Linux).
public final class URLSessionHTTPClient: HTTPClient {
    private let session: URLSession

    public init(maxConnectionsPerHost: Int = 256) {
        let config = URLSessionConfiguration.ephemeral
        config.httpMaximumConnectionsPerHost = maxConnectionsPerHost
        config.requestCachePolicy = .reloadIgnoringLocalCacheData
        config.urlCache = nil
        config.httpCookieStorage = nil
        session = URLSession(configuration: config)
    }

    public func execute(_ request: HTTPClientRequest) async throws(HTTPClientError) -> HTTPClientResponse {
        guard let url = URL(string: request.url) else { throw HTTPClientError(.invalidURL, request.url) }
        var urlRequest = URLRequest(url: url)
        urlRequest.httpMethod = request.method
        urlRequest.timeoutInterval = Double(request.timeout.components.seconds) + Double(request.timeout.components.attoseconds) / 1e18
        for (name, value) in request.headers { urlRequest.addValue(value, forHTTPHeaderField: name) }
        if !request.body.isEmpty { urlRequest.httpBody = Data(request.body) }
        do {
            let (data, response) = try await session.data(for: urlRequest)
            guard let http = response as? HTTPURLResponse else { throw HTTPClientError(.other, "not an HTTP response") }
            var headers: [String: String] = [:]
            for (k, v) in http.allHeaderFields {
                if let k = k as? String, let v = v as? String { headers[k.lowercased()] = v }
            }
            return HTTPClientResponse(status: http.statusCode, headers: headers, body: [UInt8](data))
        } catch let error as HTTPClientError {
            throw error
        } catch let error as URLError {
            switch error.code {
            case .timedOut: throw HTTPClientError(.timedOut, error.localizedDescription)
            case .cannotConnectToHost, .networkConnectionLost, .cannotFindHost, .notConnectedToInternet:
                throw HTTPClientError(.connectionFailed, error.localizedDescription)
            case .badURL, .unsupportedURL: throw HTTPClientError(.invalidURL, error.localizedDescription)
            default: throw HTTPClientError(.other, error.localizedDescription)
            }
        } catch {
            throw HTTPClientError(.other, "\(error)")
        }
    }

    public func shutdown() { session.invalidateAndCancel() }
}
