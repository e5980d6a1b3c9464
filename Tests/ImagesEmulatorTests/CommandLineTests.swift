import Foundation
import Testing

/// `upload-worker emulator` as a separate process, driven by plain curl, as a user would.
@Suite struct CommandLineTests {
    /// The executable next to the test bundle (`swift build --build-tests` builds both).
    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("upload-worker")
    }

    @Test func curlAgainstTheRunningCommand() async throws {
        let path = Self.executable.path
        try #require(FileManager.default.isExecutableFile(atPath: path), "build the executable first: \(path)")
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = ["emulator", "--listen", "127.0.0.1:0", "--token", "cli-token", "--rate-limit", "100/60s"]
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }
        let base = try await Self.firstLine(of: stdout.fileHandleForReading)
        #expect(base.hasPrefix("http://127.0.0.1:"))

        let ok = try Self.curl(["-H", "Authorization: Bearer cli-token", "-F", "url=\(base)/origin/cli-800x600.png",
                                "-F", "metadata={\"k\":\"v\"}", "\(base)/client/v4/accounts/acc/images/v1"])
        #expect(ok.status == 200)
        #expect(ok.headers.contains { $0.lowercased().hasPrefix("ratelimit: \"default\";r=99;t=") })
        #expect(ok.headers.contains { $0.lowercased() == "ratelimit-policy: \"burst\";q=100;w=60" })
        let json = try #require(try JSONSerialization.jsonObject(with: Data(ok.body.utf8)) as? [String: Any])
        #expect(json["success"] as? Bool == true)
        let result = try #require(json["result"] as? [String: Any])
        #expect(result["filename"] as? String == "cli-800x600.png")
        let id = try #require(result["id"] as? String)

        let details = try Self.curl(["-H", "Authorization: Bearer cli-token", "\(base)/client/v4/accounts/acc/images/v1/\(id)"])
        #expect(details.status == 200)
        let denied = try Self.curl(["-H", "Authorization: Bearer other", "-F", "url=\(base)/origin/a.png", "\(base)/client/v4/accounts/acc/images/v1"])
        #expect(denied.status == 401)
        #expect(denied.body.contains("\"code\":10000"))
        let notImage = try Self.curl(["-H", "Authorization: Bearer cli-token", "-F", "url=\(base)/origin/not-an-image.html", "\(base)/client/v4/accounts/acc/images/v1"])
        #expect(notImage.body.contains("\"code\":5455"))

        process.terminate()  // SIGTERM: a clean exit 0
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    /// Reads until the first newline, on a thread of its own (a blocking read).
    static func firstLine(of handle: FileHandle) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                var bytes: [UInt8] = []
                while true {
                    let chunk = handle.readData(ofLength: 1)
                    guard let byte = chunk.first else { break }
                    if byte == 10 { break }
                    bytes.append(byte)
                }
                if bytes.isEmpty { continuation.resume(throwing: CocoaError(.fileReadUnknown)) }
                else { continuation.resume(returning: String(decoding: bytes, as: UTF8.self)) }
            }
        }
    }

    /// Runs curl (bounded by --max-time) and splits its `-i` output.
    static func curl(_ arguments: [String]) throws -> (status: Int, headers: [String], body: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl", "-s", "-i", "--max-time", "20"] + arguments
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        let split = text.components(separatedBy: "\r\n\r\n")
        let head = split.first?.components(separatedBy: "\r\n") ?? []
        let status = head.first.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? -1
        return (status, Array(head.dropFirst()), split.dropFirst().joined(separator: "\r\n\r\n"))
    }
}
