import Foundation
import HTTPClient

// Turning an HTTP answer into an image or an `ImagesAPIError`. Kept apart from the exchange so
// every shape of answer can be tested without a server.
extension ImagesClient {
    /// Decodes an answer of the upload or image-details endpoint. Survives bodies that are not
    /// JSON (`ERROR 5455: ...`, an HTML page from a proxy, nothing at all): the code is taken from
    /// the text when there is one, otherwise the HTTP status decides.
    public static func decodeImageResponse(_ response: HTTPClientResponse, operation: ImagesAPIError.Operation, now: Date = Date()) throws(ImagesAPIError) -> ImagesResponse<Image> {
        let rateLimit = RateLimitStatus(headers: response.headers, now: now)
        let status = response.status
        let isSuccessStatus = (200..<300).contains(status)

        func failure(_ errors: [APIMessage], _ message: String) -> ImagesAPIError {
            let kind = ImagesAPIError.Kind.classify(httpStatus: status, errors: errors)
            // A 429 without Retry-After still says when the window resets.
            let retryAfter = rateLimit?.retryAfter ?? (kind == .rateLimited ? rateLimit?.resetIn : nil)
            return ImagesAPIError(
                kind: kind, operation: operation, httpStatus: status, errors: errors, message: message,
                retryAfter: retryAfter, rateLimit: rateLimit)
        }

        guard case .object(let envelope)? = JSONValue.parse(response.body) else {
            // Not a JSON envelope at all.
            let text = snippet(response.body)
            let codes = cloudflareCodes(inText: String(decoding: response.body, as: UTF8.self))
            let message = text.isEmpty ? "HTTP \(status) with an empty body" : "HTTP \(status), not a JSON envelope: \(text)"
            throw failure(codes.map { APIMessage(code: $0, message: text) }, message)
        }
        let success: Bool
        if case .bool(true)? = envelope["success"] { success = true } else { success = false }
        let errors = APIMessage.list(envelope["errors"])
        guard isSuccessStatus, success else {
            throw failure(errors, envelopeMessage(errors, status: status, success: success, body: response.body))
        }
        guard let result = envelope["result"], result != .null else {
            throw failure(errors, "HTTP \(status) success without a result")
        }
        do {
            let image = try Image(json: result)
            return ImagesResponse(result: image, httpStatus: status, rateLimit: rateLimit, messages: APIMessage.list(envelope["messages"]))
        } catch {
            // Unlikely, and unhappy: the upload may have happened. Retrying is still the only
            // way forward; a custom ID makes the retry answer 5409 instead of uploading twice.
            throw failure(errors, "HTTP \(status) success without a readable image: \(error.description)")
        }
    }

    private static func envelopeMessage(_ errors: [APIMessage], status: Int, success: Bool, body: [UInt8]) -> String {
        if errors.isEmpty { return "HTTP \(status), success: \(success), no error given: \(snippet(body))" }
        return errors.map { "\($0.code): \($0.message)" }.joined(separator: "; ")
    }

    /// The codes in a plain-text error such as `ERROR 5455: Bad content`: the digits after the
    /// word "error" (any case), optionally followed by `:` or `#`. Reads the first 64 KiB.
    static func cloudflareCodes(inText text: String) -> [Int] {
        let bytes = Array(text.utf8.prefix(64 * 1024))
        let word = Array("error".utf8)
        func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b + 0x20 : b }
        func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A || b >= 0x80 }
        var codes: [Int] = []
        var i = 0
        while i + word.count <= bytes.count {
            // "error" must start a word, not end "someerror".
            guard (0..<word.count).allSatisfy({ lower(bytes[i + $0]) == word[$0] }), i == 0 || !isLetter(bytes[i - 1]) else {
                i += 1
                continue
            }
            var j = i + word.count
            while j < bytes.count, bytes[j] == 0x20 || bytes[j] == UInt8(ascii: ":") || bytes[j] == UInt8(ascii: "#") { j += 1 }
            var code = 0
            var digits = 0
            while j < bytes.count, bytes[j] >= 0x30, bytes[j] <= 0x39, digits < 6 {
                code = code * 10 + Int(bytes[j] - 0x30)
                digits += 1
                j += 1
            }
            if digits >= 3, !codes.contains(code) { codes.append(code) }
            i = max(j, i + 1)
        }
        return codes
    }

    /// The start of a body as one readable line, for messages: at most 200 characters.
    static func snippet(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(600), as: UTF8.self)
        var line = ""
        var lastWasSpace = false
        for scalar in text.unicodeScalars {
            let isSpace = scalar.properties.isWhitespace || scalar.value < 0x20 || scalar.value == 0x7F
            if isSpace {
                if !lastWasSpace, !line.isEmpty { line.append(" ") }
                lastWasSpace = true
            } else {
                line.unicodeScalars.append(scalar)
                lastWasSpace = false
            }
            if line.unicodeScalars.count >= 200 { break }
        }
        return line.trimmingCharacters(in: .whitespaces)
    }
}
