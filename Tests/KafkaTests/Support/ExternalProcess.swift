import Foundation

/// Runs another program (an independent Kafka client) and collects its output. The process is
/// killed by its PID if it outlives `timeout`, so no test leaves one behind.
struct ExternalProcess {
    struct Result: Sendable {
        var status: Int32
        var stdout: Data
        var stderr: Data
        var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    }

    static var python: String { ProcessInfo.processInfo.environment["UPLOAD_WORKER_PYTHON"] ?? "python3" }

    static func run(_ executable: String, _ arguments: [String], stdin: Data? = nil, timeout: Duration = .seconds(60)) async throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = stdin == nil ? FileHandle.nullDevice : input
        try process.run()
        let pid = process.processIdentifier
        if let stdin {
            try input.fileHandleForWriting.write(contentsOf: stdin)
            try input.fileHandleForWriting.close()
        }
        let killer = Task {
            try await Task.sleep(for: timeout)
            kill(pid, SIGKILL)
        }
        // Blocking reads and the wait run on dispatch threads, not on the cooperative pool.
        async let stdoutData = Self.readToEnd(out)
        async let stderrData = Self.readToEnd(err)
        let result = Result(status: 0, stdout: await stdoutData, stderr: await stderrData)
        let status: Int32 = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                process.waitUntilExit()
                continuation.resume(returning: process.terminationStatus)
            }
        }
        killer.cancel()
        return Result(status: status, stdout: result.stdout, stderr: result.stderr)
    }

    private static func readToEnd(_ pipe: Pipe) async -> Data {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: pipe.fileHandleForReading.readDataToEndOfFile())
            }
        }
    }
}
