import HTTPClient
@testable import CloudflareImages

/// Canned API answers, shaped like Cloudflare's.
enum Fixtures {
    static let imageJSON = """
        {"id":"2cdc28f0-017a-49c4-9ed7-87056c83901","filename":"cat.png","uploaded":"2022-01-31T16:39:28.458Z",\
        "requireSignedURLs":false,"variants":["https://imagedelivery.net/Vi7wi5KSItxGFsWRG2Us6Q/2cdc28f0-017a-49c4-9ed7-87056c83901/public"],\
        "meta":{"key":"value"},"creator":"me"}
        """

    static func success(_ image: String = imageJSON) -> String {
        "{\"result\":\(image),\"result_info\":null,\"success\":true,\"errors\":[],\"messages\":[]}"
    }

    static func failure(_ code: Int, _ message: String) -> String {
        "{\"result\":null,\"success\":false,\"errors\":[{\"code\":\(code),\"message\":\"\(message)\"}],\"messages\":[]}"
    }

    static func response(_ status: Int, _ body: String, headers: [String: String] = ["content-type": "application/json"]) -> HTTPClientResponse {
        HTTPClientResponse(status: status, headers: headers, body: Array(body.utf8))
    }
}
