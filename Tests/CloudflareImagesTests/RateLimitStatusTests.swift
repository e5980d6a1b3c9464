import Foundation
import Testing
@testable import CloudflareImages

@Suite struct RateLimitStatusTests {
    @Test func cloudflareHeaders() throws {
        let status = try #require(RateLimitStatus(headers: [
            "ratelimit": "\"default\";r=1150;t=240", "ratelimit-policy": "\"burst\";q=1200;w=300",
        ]))
        #expect(status == RateLimitStatus(remaining: 1150, resetIn: .seconds(240), quota: 1200, window: .seconds(300), retryAfter: nil))
        #expect(!status.isExhausted)
    }

    @Test func headerNamesInAnyCase() throws {
        let status = try #require(RateLimitStatus(headers: ["RateLimit": "\"default\";r=0;t=30", "Retry-After": "30"]))
        #expect(status.remaining == 0)
        #expect(status.isExhausted)
        #expect(status.retryAfter == .seconds(30))
    }

    @Test func noHeadersGivesNil() {
        #expect(RateLimitStatus(headers: [:]) == nil)
        #expect(RateLimitStatus(headers: ["content-type": "application/json"]) == nil)
        #expect(RateLimitStatus(headers: ["ratelimit": "garbage", "retry-after": "soon"]) == nil)
    }

    @Test func spacesAndParameterOrder() throws {
        let status = try #require(RateLimitStatus(headers: ["ratelimit": " \"default\" ; t=5 ; r=7 ", "ratelimit-policy": "\"burst\"; w=60; q=100"]))
        #expect(status.remaining == 7)
        #expect(status.resetIn == .seconds(5))
        #expect(status.quota == 100)
        #expect(status.window == .seconds(60))
    }

    @Test func theTightestOfSeveralLimitsBinds() throws {
        let status = try #require(RateLimitStatus(headers: [
            "ratelimit": "\"burst\";r=90;t=1, \"default\";r=3;t=200",
            "ratelimit-policy": "\"burst\";q=100;w=1, \"default\";q=1200;w=300",
        ]))
        #expect(status.remaining == 3)
        #expect(status.resetIn == .seconds(200))
        #expect(status.quota == 1200)
        #expect(status.window == .seconds(300))
    }

    @Test func olderDraftDictionaryForm() throws {
        let status = try #require(RateLimitStatus(headers: ["ratelimit": "limit=100, remaining=50, reset=5"]))
        #expect(status.remaining == 50)
        #expect(status.resetIn == .seconds(5))
        #expect(status.quota == 100)
    }

    @Test func negativeOrNonNumericValuesAreIgnored() throws {
        let status = try #require(RateLimitStatus(headers: ["ratelimit": "\"default\";r=-1;t=10"]))
        #expect(status.remaining == nil)
        #expect(status.resetIn == .seconds(10))
    }

    @Test(arguments: [("0", Duration.zero), ("120", .seconds(120)), (" 7 ", .seconds(7)), ("1.5", .milliseconds(1500))])
    func retryAfterSeconds(value: String, expected: Duration) {
        #expect(RateLimitStatus.retryAfter(value, now: Date()) == expected)
    }

    @Test func retryAfterHTTPDate() {
        let now = Date(timeIntervalSince1970: 784_111_717)  // Sun, 06 Nov 1994 08:48:37 GMT
        #expect(RateLimitStatus.retryAfter("Sun, 06 Nov 1994 08:49:37 GMT", now: now) == .seconds(60))
        #expect(RateLimitStatus.retryAfter("Sunday, 06-Nov-94 08:49:37 GMT", now: now) == .seconds(60))
        #expect(RateLimitStatus.retryAfter("Sun Nov  6 08:49:37 1994", now: now) == .seconds(60))
        // A date in the past means "now".
        #expect(RateLimitStatus.retryAfter("Sun, 06 Nov 1994 08:00:00 GMT", now: now) == .zero)
        #expect(RateLimitStatus.retryAfter("-5", now: now) == nil)
        #expect(RateLimitStatus.retryAfter("tomorrow", now: now) == nil)
    }
}
