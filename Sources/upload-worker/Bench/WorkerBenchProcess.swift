import Foundation

/// A child process of this executable (`upload-worker emulator ...`, `upload-worker run`) for the
/// worker benchmark, so that its CPU time and memory are its own. Its stderr goes to a log file;
/// it is stopped by PID (SIGTERM, then SIGKILL after a grace period).
final class WorkerBenchProcess: Sendable {
    let pid: Int32
    let name: String
    let logPath: String
    private let process: Process

    /// Starts `upload-worker <arguments>` with exactly `environment`.
    init(name: String, arguments: [String], environment: [String: String], logPath: String, stdout: Pipe? = nil) throws {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: logPath)
        process.standardOutput = stdout ?? FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        self.pid = process.processIdentifier
        self.name = name
        self.logPath = logPath
    }

    var isRunning: Bool { process.isRunning }

    /// User + system CPU seconds so far, from /proc/<pid>/stat (clock-tick resolution, 10 ms).
    func cpuSeconds() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")")
        else { return nil }
        // After "(comm)": field 3 (state) is the first; utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let utime = Double(fields[11]), let stime = Double(fields[12]) else { return nil }
        return (utime + stime) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Peak resident memory (VmHWM) in bytes, from /proc/<pid>/status.
    func peakRSSBytes() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
            return kilobytes.map { $0 * 1024 }
        }
        return nil
    }

    /// SIGTERM, then SIGKILL when it has not exited within `grace`. Returns its exit status
    /// (nil when it had to be killed).
    @discardableResult
    func stop(grace: Duration = .seconds(10)) async -> Int32? {
        guard process.isRunning else { return process.terminationStatus }
        kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + grace
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        guard process.isRunning else { return process.terminationStatus }
        kill(pid, SIGKILL)
        while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        return nil
    }

    /// The last lines of its log, for a failure message.
    func logTail(lines: Int = 5) -> String {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return "" }
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    /// Reads the first line of `pipe` (on a thread of its own: the read blocks), or nil at EOF
    /// or after `timeout`.
    static func firstLine(of pipe: Pipe, timeout: Duration) async -> String? {
        let line = Locked<String?>(nil)
        let done = Locked(false)
        Thread.detachNewThread {
            var buffer = Data()
            while !buffer.contains(UInt8(ascii: "\n")) {
                let chunk = pipe.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                buffer += chunk
            }
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                line.withLock { $0 = String(decoding: buffer[..<newline], as: UTF8.self) }
            }
            done.withLock { $0 = true }
        }
        let deadline = ContinuousClock.now + timeout
        while !done.value, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        return line.value
    }
}
