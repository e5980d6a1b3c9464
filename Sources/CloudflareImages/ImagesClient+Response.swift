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
        let data = Data(response.body)
        let decoder = JSONDecoder()

        func failure(_ errors: [APIMessage], _ message: String) -> ImagesAPIError {
            let kind = ImagesAPIError.Kind.classify(httpStatus: status, codes: errors.map(\.code))
            // A 429 without Retry-After still says when the window resets.
            let retryAfter = rateLimit?.retryAfter ?? (kind == .rateLimited ? rateLimit?.resetIn : nil)
            return ImagesAPIError(
                kind: kind, operation: operation, httpStatus: status, errors: errors, message: message,
                retryAfter: retryAfter, rateLimit: rateLimit)
        }

        if let envelope = try? decoder.decode(APIEnvelope<Image>.self, from: data) {
            if isSuccessStatus, envelope.success, let image = envelope.result {
                return ImagesResponse(result: image, httpStatus: status, rateLimit: rateLimit, messages: envelope.messages)
            }
            throw failure(envelope.errors, envelopeMessage(envelope.errors, status: status, success: envelope.success))
        }
        do {
            let envelope = try decoder.decode(APIEnvelope<JSONValue>.self, from: data)
            if isSuccessStatus, envelope.success {
                // Unlikely, and unhappy: the upload may have happened. Retrying is still the only
                // way forward; a custom ID makes the retry answer 5409 instead of uploading twice.
                let detail = envelope.result == nil ? "result is null" : Self.decodingProblem(data)
                throw failure([], "HTTP \(status) success without a readable image: \(detail)")
            }
            throw failure(envelope.errors, envelopeMessage(envelope.errors, status: status, success: envelope.success))
        } catch let error as ImagesAPIError {
            throw error
        } catch {
            // Not a JSON envelope at all.
            let text = snippet(response.body)
            let codes = cloudflareCodes(inText: String(decoding: response.body, as: UTF8.self))
            let message = text.isEmpty ? "HTTP \(status) with an empty body" : "HTTP \(status), not a JSON envelope: \(text)"
            throw failure(codes.map { APIMessage(code: $0, message: text) }, message)
        }
    }

    private static func envelopeMessage(_ errors: [APIMessage], status: Int, success: Bool) -> String {
        if errors.isEmpty { return "HTTP \(status), success: \(success), no error given" }
        return errors.map { "\($0.code): \($0.message)" }.joined(separator: "; ")
    }

    private static func decodingProblem(_ data: Data) -> String {
        do {
            _ = try JSONDecoder().decode(APIEnvelope<Image>.self, from: data)
            return ""
        } catch let DecodingError.keyNotFound(key, _) {
            return "missing \(key.stringValue)"
        } catch let DecodingError.dataCorrupted(context) {
            return context.debugDescription
        } catch let DecodingError.typeMismatch(_, context) {
            return "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        } catch {
            return "\(error)"
        }
    }

    /// The codes in a plain-text error such as `ERROR 5455: Bad content`: the digits after
    /// "error" (any case), optionally followed by `:` or `#`.
    static func cloudflareCodes(inText text: String) -> [Int] {
        let scalars = Array(text.unicodeScalars)
        let word = Array("error".unicodeScalars)
        var codes: [Int] = []
        var i = 0
        while i + word.count <= scalars.count {
            let matches = (0..<word.count).allSatisfy { String(scalars[i + $0]).lowercased() == String(word[$0]) }
            // "error" must start a word, not end "someerror".
            let startsWord = i == 0 || !scalars[i - 1].properties.isAlphabetic
            guard matches, startsWord else { i += 1; continue }
            var j = i + word.count
            while j < scalars.count, scalars[j] == " " || scalars[j] == ":" || scalars[j] == "#" { j += 1 }
            var digits = ""
            while j < scalars.count, ("0"..."9").contains(scalars[j]), digits.count < 6 {
                digits.unicodeScalars.append(scalars[j])
                j += 1
            }
            if digits.count >= 3, let code = Int(digits), !codes.contains(code) { codes.append(code) }
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
