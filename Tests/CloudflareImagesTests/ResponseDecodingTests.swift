import Foundation
import HTTPClient
import Testing
@testable import CloudflareImages

@Suite struct ResponseDecodingTests {
    func decode(_ response: HTTPClientResponse, _ operation: ImagesAPIError.Operation = .upload) throws(ImagesAPIError) -> ImagesResponse<Image> {
        try ImagesClient.decodeImageResponse(response, operation: operation)
    }

    func failure(_ response: HTTPClientResponse) -> ImagesAPIError? {
        do {
            _ = try decode(response)
            return nil
        } catch {
            return error
        }
    }

    @Test func successWithMeta() throws {
        let decoded = try decode(Fixtures.response(200, Fixtures.success(), headers: ["ratelimit": "\"default\";r=5;t=9"]))
        let image = decoded.result
        #expect(image.id == "2cdc28f0-017a-49c4-9ed7-87056c83901")
        #expect(image.filename == "cat.png")
        #expect(image.uploaded == Date(timeIntervalSince1970: 1_643_647_168.458))
        #expect(image.requireSignedURLs == false)
        #expect(image.variants == ["https://imagedelivery.net/Vi7wi5KSItxGFsWRG2Us6Q/2cdc28f0-017a-49c4-9ed7-87056c83901/public"])
        #expect(image.metadata == ["key": .string("value")])
        #expect(image.creator == "me")
        #expect(decoded.httpStatus == 200)
        #expect(decoded.rateLimit?.remaining == 5)
    }

    @Test func metadataFallback() throws {
        let documented = #"{"id":"a/b","uploaded":"2022-01-31T16:39:28Z","requireSignedURLs":true,"variants":[],"metadata":{"n":1}}"#
        let image = try decode(Fixtures.response(200, Fixtures.success(documented))).result
        #expect(image.metadata == ["n": .number(1)])
        #expect(image.filename == nil)
        #expect(image.creator == nil)
        #expect(image.requireSignedURLs)
        // `meta` wins over `metadata` when both are there.
        let both = #"{"id":"x","uploaded":"2022-01-31T16:39:28.458Z","meta":{"a":"meta"},"metadata":{"a":"metadata"}}"#
        #expect(try decode(Fixtures.response(200, Fixtures.success(both))).result.metadata == ["a": .string("meta")])
    }

    @Test func encodesMetaAndRoundTrips() throws {
        let image = try decode(Fixtures.response(200, Fixtures.success())).result
        let data = try JSONEncoder().encode(image)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["meta"] != nil)
        #expect(object["metadata"] == nil)
        #expect(object["uploaded"] as? String == "2022-01-31T16:39:28.458Z")
        #expect(try JSONDecoder().decode(Image.self, from: data) == image)
    }

    @Test func errorEnvelope() throws {
        let error = try #require(failure(Fixtures.response(409, Fixtures.failure(5409, "Resource already exists"))))
        #expect(error.kind == .alreadyExists)
        #expect(error.httpStatus == 409)
        #expect(error.errors == [APIMessage(code: 5409, message: "Resource already exists")])
        #expect(error.codes == [5409])
        #expect(error.message.contains("Resource already exists"))
        #expect(error.transportFailure == nil)
    }

    @Test func rateLimitedWithHeaders() throws {
        let error = try #require(failure(Fixtures.response(429, Fixtures.failure(971, "Please wait and consider throttling your request speed"),
            headers: ["Retry-After": "42", "Ratelimit": "\"default\";r=0;t=250", "Ratelimit-Policy": "\"burst\";q=1200;w=300"])))
        #expect(error.kind == .rateLimited)
        #expect(error.isRetryable)
        #expect(error.retryAfter == .seconds(42))
        #expect(error.rateLimit == RateLimitStatus(remaining: 0, resetIn: .seconds(250), quota: 1200, window: .seconds(300), retryAfter: .seconds(42)))
    }

    @Test func rateLimitedWithoutRetryAfterWaitsForTheReset() throws {
        let error = try #require(failure(Fixtures.response(429, Fixtures.failure(971, "wait"), headers: ["ratelimit": "\"default\";r=0;t=17"])))
        #expect(error.retryAfter == .seconds(17))
        let bare = try #require(failure(Fixtures.response(429, "")))
        #expect(bare.kind == .rateLimited)
        #expect(bare.retryAfter == nil)
    }

    @Test func retryAfterOnA503() throws {
        let error = try #require(failure(Fixtures.response(503, "", headers: ["retry-after": "3"])))
        #expect(error.kind == .transient)
        #expect(error.retryAfter == .seconds(3))
    }

    @Test(arguments: [
        (415, "ERROR 5455: Uploaded image must have image/jpeg, image/png, image/webp, image/gif or image/svg+xml content-type", [5455], ImagesAPIError.Kind.sourceRejected),
        (400, "ERROR 5454: Failed to fetch the image", [5454], .sourceRejected),
        (400, "error: 5409 - exists", [5409], .alreadyExists),
        (500, "Internal Server Error", [], .transient),
        (502, "<html><head><title>502 Bad Gateway</title></head><body>cloudflare</body></html>", [], .transient),
        (400, "Bad Request", [], .invalidRequest),
        (404, "404 page not found", [], .notFound),
        (200, "OK", [], .transient),
        (400, "mirror error 5455", [5455], .sourceRejected),
        (400, "terror5455", [], .invalidRequest),
    ])
    func nonJSONBody(status: Int, body: String, codes: [Int], kind: ImagesAPIError.Kind) throws {
        let error = try #require(failure(Fixtures.response(status, body, headers: ["content-type": "text/plain"])))
        #expect(error.kind == kind)
        #expect(error.codes == codes)
        #expect(error.httpStatus == status)
        #expect(error.message.contains("not a JSON envelope"))
    }

    @Test func emptyBody() throws {
        let error = try #require(failure(Fixtures.response(502, "")))
        #expect(error.kind == .transient)
        #expect(error.message == "HTTP 502 with an empty body")
    }

    @Test func longHTMLIsCutToOneLine() throws {
        let body = "<html>\n" + String(repeating: "x", count: 5000) + "\n</html>"
        let error = try #require(failure(Fixtures.response(500, body)))
        #expect(!error.message.contains("\n"))
        #expect(error.message.count < 300)
    }

    @Test func successStatusWithoutResult() throws {
        let error = try #require(failure(Fixtures.response(200, #"{"result":null,"success":true,"errors":[],"messages":[]}"#)))
        #expect(error.kind == .transient)
        let unreadable = try #require(failure(Fixtures.response(200, #"{"result":{"id":"x"},"success":true,"errors":[],"messages":[]}"#)))
        #expect(unreadable.kind == .transient)
        #expect(unreadable.message.contains("uploaded"))
    }

    @Test func failureEnvelopeWithoutErrorsUsesStatus() throws {
        let error = try #require(failure(Fixtures.response(403, #"{"result":null,"success":false,"errors":[],"messages":[]}"#)))
        #expect(error.kind == .unauthorized)
        #expect(error.errors.isEmpty)
    }

    @Test func successFlagFalseOn200() throws {
        let error = try #require(failure(Fixtures.response(200, Fixtures.failure(5455, "bad"))))
        #expect(error.kind == .sourceRejected)
    }

    @Test func authErrors() throws {
        #expect(failure(Fixtures.response(401, Fixtures.failure(10000, "Authentication error")))?.kind == .unauthorized)
        #expect(failure(Fixtures.response(403, Fixtures.failure(10000, "Authentication error")))?.kind == .unauthorized)
        let both = #"{"success":false,"errors":[{"code":6003,"message":"Invalid request headers"},{"code":6111,"message":"Invalid format for Authorization header"}],"messages":[],"result":null}"#
        let error = try #require(failure(Fixtures.response(400, both)))
        #expect(error.kind == .unauthorized)
        #expect(error.codes == [6003, 6111])
        #expect(error.isConfigurationProblem)
    }
}

@Suite struct CloudflareDateTests {
    @Test(arguments: ["2022-01-31T16:39:28.458Z", "2022-01-31T16:39:28.000Z", "1970-01-01T00:00:00.001Z", "1969-12-31T23:59:59.999Z", "2026-12-04T20:05:08.050Z"])
    func roundTrips(text: String) throws {
        let date = try #require(CloudflareDate.parse(text))
        #expect(CloudflareDate.format(date) == text)
    }

    @Test func parsesWithoutFraction() {
        #expect(CloudflareDate.parse("2022-01-31T16:39:28Z") == Date(timeIntervalSince1970: 1_643_647_168))
        #expect(CloudflareDate.parse("yesterday") == nil)
    }

    @Test func roundsToTheNearestMillisecond() {
        #expect(CloudflareDate.format(Date(timeIntervalSince1970: 0.0996)) == "1970-01-01T00:00:00.100Z")
    }

    @Test("formats ISO-8601 UTC with milliseconds, rounding to the nearest one")
    func formatsKnownDates() {
        #expect(CloudflareDate.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(CloudflareDate.format(Date(timeIntervalSince1970: 1_796_000_002.481)) == "2026-11-30T00:53:22.481Z")
        #expect(CloudflareDate.format(Date(timeIntervalSince1970: 1.9996)) == "1970-01-01T00:00:02.000Z")
        #expect(CloudflareDate.format(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00.000Z")
        #expect(CloudflareDate.format(Date(timeIntervalSince1970: 4_102_444_799.999)) == "2099-12-31T23:59:59.999Z")
        #expect(CloudflareDate.format(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59.500Z")
    }

    @Test(arguments: [0, 1, 999, 86_399_999, 951_782_400_000, 1_643_647_168_458, 4_102_444_800_000, -1, -86_400_001] as [Int64])
    func timestampsMatchFoundation(_ ms: Int64) {
        let date = Date(timeIntervalSince1970: Double(ms) / 1000)
        #expect(CloudflareDate.format(millisecondsSince1970: ms) == foundationFormat(date))
    }

    /// The former Foundation-based formatter, as a reference for the hand-written one.
    func foundationFormat(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        var seconds = milliseconds / 1000
        var fraction = milliseconds % 1000
        if fraction < 0 {
            seconds -= 1
            fraction += 1000
        }
        let whole = Date(timeIntervalSince1970: Double(seconds)).formatted(Date.ISO8601FormatStyle())
        let digits = String(fraction)
        return whole.dropLast() + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }
}

@Suite struct EnvelopeShapeTests {
    func failure(_ status: Int, _ body: String) -> ImagesAPIError? {
        do {
            _ = try ImagesClient.decodeImageResponse(Fixtures.response(status, body), operation: .upload)
            return nil
        } catch {
            return error
        }
    }

    @Test func jsonThatIsNotAnEnvelopeKeepsItsTextInTheMessage() throws {
        let error = try #require(failure(500, #"{"message":"internal trouble"}"#))
        #expect(error.kind == .transient)
        #expect(error.message.contains("internal trouble"))
    }

    @Test func errorsWithoutSuccessFieldStillCount() throws {
        let error = try #require(failure(400, #"{"errors":[{"code":5454,"message":"origin refused"}]}"#))
        #expect(error.kind == .sourceRejected)
        #expect(error.codes == [5454])
    }

    @Test func successTrueOnAnErrorStatusIsAFailure() throws {
        let error = try #require(failure(500, Fixtures.success()))
        #expect(error.kind == .transient)
    }

    @Test func messagesOfASuccessAreKept() throws {
        let body = #"{"result":\#(Fixtures.imageJSON),"success":true,"errors":[],"messages":[{"code":1,"message":"note"}]}"#
        let response = try ImagesClient.decodeImageResponse(Fixtures.response(201, body), operation: .upload)
        #expect(response.messages == [APIMessage(code: 1, message: "note")])
        #expect(response.httpStatus == 201)
    }
}
