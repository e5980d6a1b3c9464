import Foundation

/// `upload-worker http-echo` started as a child process of this executable, so that a benchmark
/// can measure its CPU apart from the client's. Stopped by PID (SIGTERM, then SIGKILL after 3 s).
final class EchoServerProcess: Sendable {
    let pid: Int32
    let port: Int
    private let process: Process

    private init(process: Process, port: Int) {
        self.process = process
        self.pid = process.processIdentifier
        self.port = port
    }

    static func start(ioThreads: Int = 1) async throws -> EchoServerProcess {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["http-echo", "--listen", "127.0.0.1:0", "--io-threads", "\(ioThreads)"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        // Reading the pipe blocks: do it on a thread of its own, not on the cooperative pool.
        let line = await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
            Thread.detachNewThread {
                var buffer = Data()
                while !buffer.contains(UInt8(ascii: "\n")) {
                    let chunk = output.fileHandleForReading.availableData
                    if chunk.isEmpty { break }
                    buffer += chunk
                }
                continuation.resume(returning: String(decoding: buffer, as: UTF8.self))
            }
        }
        guard let portText = line.split(separator: "\n").first?.split(separator: ":").last, let port = Int(portText) else {
            process.terminate()
            throw EchoServerError(message: "http-echo did not report its port (got '\(line)')")
        }
        return EchoServerProcess(process: process, port: port)
    }

    /// User + system CPU the server has used so far, from /proc/<pid>/stat.
    func cpuSeconds() -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return 0 }
        // Fields after "(comm)": state is field 3; utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let utime = Double(fields[11]), let stime = Double(fields[12]) else { return 0 }
        return (utime + stime) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    func stop() {
        guard process.isRunning else { return }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(3)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
    }
}

struct EchoServerError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
