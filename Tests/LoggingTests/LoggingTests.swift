import Foundation
import Testing
@testable import Logging

@Suite struct RedactionTests {
    @Test(arguments: [
        ("https://user:pw@example.com/a.png", "https://***@example.com/a.png"),
        ("http://u@h:8080/x?y=@z", "http://***@h:8080/x?y=@z"),
        ("https://example.com/a@b.png", "https://example.com/a@b.png"),
        ("https://example.com", "https://example.com"),
        ("not a url", "not a url"),
        ("ftp://a:b@c", "ftp://***@c"),
    ])
    func redactsUserInfo(input: String, expected: String) {
        #expect(Redaction.url(input) == expected)
    }
}

@Suite struct FormatTests {
    let record = LogRecord(
        timestamp: Date(timeIntervalSince1970: 0), level: .warning, label: "t",
        message: "a \"quoted\"\nline", metadata: ["partition": "3", "nested": .dictionary(["k": "v"])])

    @Test func jsonLineIsValidJSON() throws {
        let line = StreamLogHandler.json(record)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(obj["msg"] as? String == "a \"quoted\"\nline")
        #expect(obj["level"] as? String == "warning")
        #expect(obj["partition"] as? String == "3")
        #expect((obj["nested"] as? [String: String])?["k"] == "v")
        #expect(!line.contains("\n"))
    }

    @Test func textLineCarriesFields() {
        let line = StreamLogHandler.text(record)
        #expect(line.contains("WARNING t: a"))
        #expect(line.contains("partition=3"))
    }

    @Test func levelFiltering() {
        let handler = RecordingLogHandler()
        LoggingSystem.bootstrap(handler, level: .info)
        var logger = Logger(label: "x")
        logger.debug("hidden")
        logger.info("shown", metadata: ["a": "1"])
        logger.logLevel = .error
        logger.warning("hidden too")
        let messages = handler.recorded.filter { $0.label == "x" }.map(\.message)
        #expect(messages == ["shown"])
    }
}
