import Foundation
import HTTPClient
import Logging

/// A client of the Cloudflare Images v1 API: upload by URL and image details.
///
/// Stateless apart from its configuration, so one instance can serve any number of concurrent
/// calls. Every failure is an `ImagesAPIError` whose kind decides what the caller does; the
/// rate-limit headers of every answer are available through `uploadResponse(_:)` and
/// `imageResponse(id:)` (on success) and `ImagesAPIError.rateLimit` (on failure).
public struct ImagesClient: Sendable {
    public let configuration: Configuration
    private let httpClient: any HTTPClient
    private let logger: Logger
    /// `{base}/accounts/{account_id}/images/v1`, built once.
    private let imagesEndpoint: String

    /// The caller owns `httpClient` (one can serve several clients) and shuts it down.
    ///
    /// - Throws: `ConfigurationError` naming the setting that cannot work.
    public init(configuration: Configuration, httpClient: any HTTPClient, logger: Logger = Logger(label: "cloudflare-images")) throws(ConfigurationError) {
        try configuration.validate()
        self.configuration = configuration
        self.httpClient = httpClient
        self.logger = logger
        var base = configuration.baseURL
        while base.hasSuffix("/") { base.removeLast() }
        imagesEndpoint = "\(base)/accounts/\(Self.percentEncodedPathSegment(configuration.accountID))/images/v1"
    }

    // MARK: Upload

    /// Uploads an image by URL. Validates first: an invalid request throws `invalidRequest`
    /// without being sent.
    public func upload(_ request: UploadRequest) async throws(ImagesAPIError) -> Image {
        try await uploadResponse(request).result
    }

    /// Uploads an image by URL; see `UploadRequest` for the fields.
    public func upload(
        url: String, id: String? = nil, metadata: [String: JSONValue]? = nil, requireSignedURLs: Bool = false, creator: String? = nil
    ) async throws(ImagesAPIError) -> Image {
        try await upload(UploadRequest(url: url, id: id, metadata: metadata, requireSignedURLs: requireSignedURLs, creator: creator))
    }

    /// Uploads an image by URL and returns the image with the response's rate-limit status.
    public func uploadResponse(_ request: UploadRequest) async throws(ImagesAPIError) -> ImagesResponse<Image> {
        try request.validate()
        let form = request.formData()
        let httpRequest = HTTPClientRequest(
            method: "POST", url: imagesEndpoint,
            headers: commonHeaders + [("Content-Type", form.contentType)],
            body: form.encoded(), timeout: configuration.requestTimeout)
        return try await perform(httpRequest, operation: .upload) {
            var metadata: Logger.Metadata = ["source_url": .string(Redaction.url(request.url))]
            if let id = request.id { metadata["image_id"] = .string(id) }
            return metadata
        }
    }

    // MARK: Image details

    /// The details of one image. Custom IDs containing `/` are percent-encoded in the path.
    public func image(id: String) async throws(ImagesAPIError) -> Image {
        try await imageResponse(id: id).result
    }

    /// The details of one image, with the response's rate-limit status.
    public func imageResponse(id: String) async throws(ImagesAPIError) -> ImagesResponse<Image> {
        guard !id.isEmpty else { throw .invalidRequest(.imageDetails, "image ID is empty") }
        let httpRequest = HTTPClientRequest(
            method: "GET", url: imagesEndpoint + "/" + Self.percentEncodedPathSegment(id),
            headers: commonHeaders, timeout: configuration.requestTimeout)
        return try await perform(httpRequest, operation: .imageDetails) { ["image_id": .string(id)] }
    }

    // MARK: Exchange

    private var commonHeaders: [(name: String, value: String)] {
        [("Authorization", "Bearer \(configuration.apiToken)"), ("Accept", "application/json"), ("User-Agent", configuration.userAgent)]
    }

    private func perform(
        _ request: HTTPClientRequest, operation: ImagesAPIError.Operation, logMetadata: () -> Logger.Metadata
    ) async throws(ImagesAPIError) -> ImagesResponse<Image> {
        // Debug lines only (the caller logs outcomes), built only when they will be written.
        // Logged: the operation, the API URL (no credentials in it) and the redacted source URL;
        // never the headers, so never the token.
        let debugging = logger.logLevel <= .debug
        var metadata: Logger.Metadata = [:]
        if debugging {
            metadata = logMetadata()
            metadata["operation"] = .string(operation.rawValue)
            metadata["api_url"] = .string(Redaction.url(request.url))
            logger.debug("calling Cloudflare Images", metadata: metadata)
        }
        let response: HTTPClientResponse
        do {
            response = try await httpClient.execute(request)
        } catch {
            let failure = ImagesAPIError(
                kind: .classify(httpStatus: nil, codes: [], transportFailure: error.kind), operation: operation,
                message: "no answer from the API: \(error.message)", transportFailure: error.kind)
            if debugging {
                metadata["error"] = .string(failure.description)
                logger.debug("Cloudflare Images call failed", metadata: metadata)
            }
            throw failure
        }
        do {
            let decoded = try Self.decodeImageResponse(response, operation: operation)
            if debugging {
                metadata["status"] = .string(String(response.status))
                metadata["image_id"] = .string(decoded.result.id)
                logger.debug("Cloudflare Images call succeeded", metadata: metadata)
            }
            return decoded
        } catch {
            if debugging {
                metadata["error"] = .string(error.description)
                logger.debug("Cloudflare Images call failed", metadata: metadata)
            }
            throw error
        }
    }

    /// One path segment with everything but RFC 3986 unreserved characters percent-encoded, so a
    /// `/` inside a custom ID stays inside the segment. `.` and `..` alone are encoded too, or a
    /// URL parser would treat them as relative path steps.
    public static func percentEncodedPathSegment(_ segment: String) -> String {
        if segment == "." { return "%2E" }
        if segment == ".." { return "%2E%2E" }
        var encoded = ""
        for byte in segment.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                encoded += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 0xF, radix: 16, uppercase: true)
            }
        }
        return encoded
    }
}
