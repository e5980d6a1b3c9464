import HTTPClient
import Testing
@testable import CloudflareImages

/// The code/status/transport -> kind table, row by row, against expectations written out here
/// (not read back from the table).
@Suite struct ErrorKindTableTests {
    typealias Kind = ImagesAPIError.Kind

    // Every code of the reference's table, with the status it comes with where known.
    static let codeRows: [(code: Int, status: Int, kind: Kind)] = [
        (10000, 401, .unauthorized), (10000, 403, .unauthorized),
        (6003, 400, .unauthorized), (6111, 400, .unauthorized),
        (971, 429, .rateLimited),
        (5400, 400, .invalidRequest),
        (5403, 403, .unauthorized),
        (5404, 404, .notFound),
        (5408, 408, .transient),
        (5409, 409, .alreadyExists),
        (5410, 400, .invalidRequest),
        (5411, 400, .invalidRequest),
        (5413, 413, .sourceRejected),
        (5415, 415, .invalidRequest),
        (5443, 400, .sourceRejected),
        (5454, 400, .sourceRejected),
        (5455, 415, .sourceRejected),
        (9422, 422, .sourceRejected),
        (5500, 500, .transient), (5503, 503, .transient),
        (5540, 500, .transient), (5545, 502, .transient), (5550, 503, .transient),
        (7000, 400, .notFound), (7003, 404, .notFound),
    ]

    @Test(arguments: codeRows)
    func codeWithItsStatus(row: (code: Int, status: Int, kind: Kind)) {
        #expect(Kind.classify(httpStatus: row.status, codes: [row.code]) == row.kind)
    }

    /// Statuses of most codes are unconfirmed: the code alone must decide (except 429, below).
    @Test(arguments: codeRows.filter { $0.kind != .rateLimited })
    func codeDecidesWhateverTheStatus(row: (code: Int, status: Int, kind: Kind)) {
        for status in [200, 400, 403, 404, 409, 422, 500] {
            #expect(Kind.classify(httpStatus: status, codes: [row.code]) == row.kind, "code \(row.code) with HTTP \(status)")
        }
    }

    @Test func rateLimitCodeWithoutA429() {
        #expect(Kind.classify(httpStatus: 400, codes: [971]) == .rateLimited)
        #expect(Kind.classify(httpStatus: 503, codes: [971]) == .rateLimited)
    }

    @Test(arguments: [
        (400, Kind.invalidRequest), (401, .unauthorized), (403, .unauthorized), (404, .notFound),
        (405, .invalidRequest), (408, .transient), (409, .alreadyExists), (410, .invalidRequest),
        (413, .sourceRejected), (415, .invalidRequest), (422, .invalidRequest), (429, .rateLimited),
        (499, .invalidRequest), (500, .transient), (502, .transient), (503, .transient), (504, .transient),
        (520, .transient), (599, .transient), (200, .transient), (204, .transient), (302, .transient),
    ])
    func statusWithoutCode(status: Int, kind: Kind) {
        #expect(Kind.classify(httpStatus: status, codes: []) == kind)
    }

    @Test(arguments: [(400, Kind.invalidRequest), (404, .notFound), (422, .invalidRequest), (500, .transient), (503, .transient)])
    func unknownCodeFallsBackToStatus(status: Int, kind: Kind) {
        #expect(Kind.classify(httpStatus: status, codes: [12345]) == kind)
        #expect(Kind.classify(httpStatus: status, codes: [5999, 1]) == kind)
    }

    @Test(arguments: [
        ("Bad request: image dimensions 12001x10 exceed the limit", Kind.sourceRejected),
        ("Image exceeds 100 megapixels", .sourceRejected), ("Bad request", .invalidRequest), ("", .invalidRequest),
    ])
    func badRequestAboutImageLimitsIsTheSource(message: String, kind: Kind) {
        #expect(Kind.classify(httpStatus: 400, errors: [APIMessage(code: 5400, message: message)]) == kind)
        // Only 5400: another code keeps its row.
        #expect(Kind.classify(httpStatus: 400, errors: [APIMessage(code: 5411, message: message)]) == .invalidRequest)
    }

    @Test func a429IsRateLimitedWhateverTheBody() {
        #expect(Kind.classify(httpStatus: 429, codes: []) == .rateLimited)
        #expect(Kind.classify(httpStatus: 429, codes: [5455]) == .rateLimited)
        #expect(Kind.classify(httpStatus: 429, codes: [10000]) == .rateLimited)
    }

    @Test func firstKnownCodeWins() {
        #expect(Kind.classify(httpStatus: 400, codes: [12345, 5409, 5455]) == .alreadyExists)
        #expect(Kind.classify(httpStatus: 400, codes: [6003, 6111]) == .unauthorized)
    }

    @Test(arguments: [
        (HTTPClientError.Kind.timedOut, Kind.transient), (.connectionFailed, .transient), (.responseTooLarge, .transient),
        (.shutdown, .transient), (.other, .transient), (.invalidURL, .unauthorized),
    ])
    func transportFailure(failure: HTTPClientError.Kind, kind: Kind) {
        #expect(Kind.classify(httpStatus: nil, codes: [], transportFailure: failure) == kind)
        // No response means nothing else counts.
        #expect(Kind.classify(httpStatus: 200, codes: [5409], transportFailure: failure) == kind)
    }

    @Test func noStatusNoCodeIsTransient() {
        #expect(Kind.classify(httpStatus: nil, codes: []) == .transient)
    }

    @Test(arguments: [
        (Kind.invalidRequest, "invalid_request", false), (.sourceRejected, "source_rejected", false),
        (.alreadyExists, "already_exists", false), (.rateLimited, "rate_limited", true),
        (.unauthorized, "unauthorized", false), (.notFound, "not_found", false), (.transient, "transient", true),
    ])
    func kindLabelsAndRetryability(kind: Kind, label: String, retryable: Bool) {
        #expect(kind.rawValue == label)
        #expect(kind.isRetryable == retryable)
        #expect(ImagesAPIError(kind: kind, operation: .upload, message: "m").isRetryable == retryable)
    }

    @Test func everyKindHasARow() {
        #expect(Set(Kind.allCases) == Set(Self.codeRows.map(\.kind)))
    }

    @Test func configurationProblems() {
        #expect(ImagesAPIError(kind: .unauthorized, operation: .imageDetails, message: "").isConfigurationProblem)
        #expect(ImagesAPIError(kind: .notFound, operation: .upload, message: "").isConfigurationProblem)
        #expect(!ImagesAPIError(kind: .notFound, operation: .imageDetails, message: "").isConfigurationProblem)
        #expect(!ImagesAPIError(kind: .sourceRejected, operation: .upload, message: "").isConfigurationProblem)
    }
}
