import CloudflareImages
import HTTPServer

/// A failed API answer: the HTTP status and one Cloudflare error entry. The table of statuses
/// and codes follows the reference notes (docs/emulator.md lists it).
struct APIFailure: Error, Sendable, Equatable {
    var status: Int
    var code: Int
    var message: String

    static let missingAuth = APIFailure(status: 400, code: 6003, message: "Invalid request headers")
    static let badAuthFormat = APIFailure(status: 400, code: 6111, message: "Invalid format for Authorization header")
    static let badToken = APIFailure(status: 401, code: 10000, message: "Authentication error")
    static let wrongAccount = APIFailure(status: 403, code: 10000, message: "Authentication error")
    static let noRoute = APIFailure(status: 400, code: 7000, message: "No route for that URI")
    static let rateLimited = APIFailure(status: 429, code: 971, message: "Please wait and consider throttling your request speed")
    static let injected500 = APIFailure(status: 500, code: 5500, message: "Internal Server Error")
    static let notMultipart = APIFailure(status: 415, code: 5415,
        message: "Images must be uploaded as a form, not as raw image data. Please use \"multipart/form-data\" format")
    static let notFound = APIFailure(status: 404, code: 5404, message: "Image not found")
    static let idTaken = APIFailure(status: 409, code: 5409, message: "Resource already exists")
    static let privateCustomID = APIFailure(status: 400, code: 5410, message: "Custom ID image cannot be made private")

    static func badRequest(_ detail: String) -> APIFailure {
        APIFailure(status: 400, code: 5400, message: "Bad request: \(detail)")
    }

    static func invalidID(_ detail: String) -> APIFailure {
        APIFailure(status: 400, code: 5411, message: "Custom ID invalid: \(detail)")
    }

    static func fetchFailed(_ detail: String) -> APIFailure {
        APIFailure(status: 400, code: 5454, message: "Unable to retrieve the image from the URL: \(detail)")
    }

    static let unsupportedFormat = APIFailure(status: 415, code: 5455,
        message: "Uploaded image must have image/jpeg, image/png, image/webp, image/gif or image/svg+xml content-type")

    static func tooLarge(limit: Int) -> APIFailure {
        APIFailure(status: 413, code: 5413, message: "Image is larger than the limit of \(limit) bytes")
    }

    /// Over 12,000 px on a side or 100 megapixels. Which code Cloudflare gives a still image
    /// here is unconfirmed; 5443 ("over the pixel limit") says what happened and marks it as the
    /// source's fault.
    static func dimensions(_ w: Int, _ h: Int, maxSide: Int, maxArea: Int) -> APIFailure {
        APIFailure(status: 400, code: 5443,
            message: "Image dimensions \(w)x\(h) exceed the limit of \(maxSide) px on the longest side or \(maxArea / 1_000_000) megapixels")
    }

    static func animationTooLarge(_ w: Int, _ h: Int, frames: Int, maxArea: Int) -> APIFailure {
        APIFailure(status: 400, code: 5443,
            message: "Animated image of \(frames) frames of \(w)x\(h) exceeds the limit of \(maxArea / 1_000_000) megapixels over all frames")
    }

    static func undecodable(_ detail: String) -> APIFailure {
        APIFailure(status: 422, code: 9422, message: "Decode error: image could not be decoded (\(detail))")
    }

    /// The JSON envelope Cloudflare answers with.
    var response: HTTPResponse {
        let body = "{\"result\":null,\"result_info\":null,\"success\":false,\"errors\":[{\"code\":\(code),\"message\":\(JSONValue.quote(message))}],\"messages\":[]}"
        return HTTPResponse(status: status, headers: [("Content-Type", "application/json")], body: Array(body.utf8))
    }
}
