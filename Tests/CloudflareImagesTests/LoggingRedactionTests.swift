import HTTPClient
import Logging
import Synchronization
import Testing
@testable import CloudflareImages

/// Keeps what a logger writes.
final class CapturingLogHandler: LogHandler {
    private let records = Mutex<[LogRecord]>([])
    var lines: [String] {
        records.withLock { $0.map { "\($0.message) \($0.metadata)" } }
    }
    func write(_ record: LogRecord) { records.withLock { $0.append(record) } }
}

@Suite(.serialized) struct LoggingRedactionTests {
    @Test func neitherTokenNorURLCredentialsAreLogged() async throws {
        let capture = CapturingLogHandler()
        LoggingSystem.bootstrap(capture, level: .info)
        defer { LoggingSystem.bootstrap(StreamLogHandler(format: .text), level: .info) }
        var logger = Logger(label: "test.images")
        logger.logLevel = .trace
        let token = "tok_NEVER_LOGGED"
        let answers: [HTTPClientResponse] = [
            Fixtures.response(200, Fixtures.success()), Fixtures.response(401, Fixtures.failure(10000, "Authentication error")),
        ]
        for answer in answers {
            let client = try ImagesClient(configuration: .init(accountID: "acc", apiToken: token), httpClient: RecordingHTTPClient(answer: answer), logger: logger)
            _ = try? await client.upload(url: "https://alice:hunter2@example.com/a.png")
        }
        let failing = try ImagesClient(configuration: .init(accountID: "acc", apiToken: token),
                                       httpClient: RecordingHTTPClient { _ in .failure(HTTPClientError(.timedOut, "t")) }, logger: logger)
        _ = try? await failing.upload(url: "https://alice:hunter2@example.com/b.png")

        let lines = capture.lines.filter { $0.contains("example.com") }
        #expect(lines.count >= 3)
        for line in lines {
            #expect(!line.contains(token))
            #expect(!line.contains("hunter2"))
            #expect(line.contains("***@example.com"))
        }
    }
}
