import Foundation
import Synchronization

/// One `upload-worker run` child process, configured by its environment only (no inherited
/// variables, no flags). Its stdout and stderr go to files in the test's directory, so that a
/// failure can show them. Stopped by PID: SIGTERM with a bounded wait, then SIGKILL.
final class WorkerProcess: Sendable {
    /// How a process ended.
    enum Exit: Sendable, Equatable, CustomStringConvertible {
        case status(Int32)
        case signal(Int32)

        var description: String {
            switch self {
            case .status(let code): "exit status \(code)"
            case .signal(let number): "killed by signal \(number)"
            }
        }
    }

    let name: String
    let pid: Int32
    let stdoutURL: URL
    let stderrURL: URL

    private struct State {
        var exit: Exit?
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    /// Shared with the termination handler, which may run before `init` returns.
    private final class StateBox: Sendable {
        let mutex = Mutex(State())
    }
    private let box: StateBox
    /// Kept so that Foundation keeps its exit monitoring alive; touched only at start.
    private let process: ProcessBox

    /// `@unchecked Sendable`: the Process is only configured and started in `init`; afterwards
    /// only its termination handler (Foundation's thread) touches it.
    private final class ProcessBox: @unchecked Sendable {
        let process: Process
        init(_ process: Process) { self.process = process }
    }

    /// Starts `upload-worker run` with exactly `environment`.
    init(name: String, executable: URL, environment: [String: String], directory: URL) throws {
        self.name = name
        stdoutURL = directory.appendingPathComponent("\(name).stdout.log")
        stderrURL = directory.appendingPathComponent("\(name).stderr.log")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        let stdout = try FileHandle(forWritingTo: stdoutURL)
        let stderr = try FileHandle(forWritingTo: stderrURL)
        defer {
            // The child has its own copies of the descriptors.
            try? stdout.close()
            try? stderr.close()
        }

        let box = StateBox()
        let process = Process()
        process.executableURL = executable
        process.arguments = ["run"]
        process.environment = environment
        process.currentDirectoryURL = directory
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        process.terminationHandler = { process in
            let exit: Exit = process.terminationReason == .uncaughtSignal
                ? .signal(process.terminationStatus) : .status(process.terminationStatus)
            let waiters = box.mutex.withLock { state -> [CheckedContinuation<Void, Never>] in
                state.exit = exit
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume() }
        }
        try process.run()
        self.pid = process.processIdentifier
        self.box = box
        self.process = ProcessBox(process)
    }

    deinit {
        // Last resort: a test that lost track of its worker must not leave it running.
        if exit == nil { kill(pid, SIGKILL) }
    }

    /// How the process ended, nil while it runs.
    var exit: Exit? { box.mutex.withLock { $0.exit } }

    var isRunning: Bool { exit == nil }

    /// Waits until the process ends or `timeout` passes; returns how it ended, nil on timeout.
    @discardableResult
    func waitForExit(timeout: Duration) async -> Exit? {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForExitForever() }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
        return exit
    }

    /// Resumes when the process has ended (cancellation does not end the wait early, so callers
    /// race it against a timeout; the orphaned continuation resumes when the process ends).
    private func waitForExitForever() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ended = box.mutex.withLock { state -> Bool in
                if state.exit != nil { return true }
                state.waiters.append(continuation)
                return false
            }
            if ended { continuation.resume() }
        }
    }

    /// Sends a signal to this process (and only this one), if it still runs.
    func signal(_ number: Int32) {
        guard isRunning else { return }
        kill(pid, number)
    }

    /// SIGTERM, then SIGKILL when it has not ended within `grace`. Returns how it ended.
    @discardableResult
    func stop(grace: Duration) async -> Exit? {
        guard isRunning else { return exit }
        signal(SIGTERM)
        if let exit = await waitForExit(timeout: grace) { return exit }
        signal(SIGKILL)
        return await waitForExit(timeout: .seconds(10))
    }

    /// SIGKILL now (a crash), and wait for the end.
    @discardableResult
    func crash() async -> Exit? {
        signal(SIGKILL)
        return await waitForExit(timeout: .seconds(10))
    }

    var stdout: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    /// The last `lines` lines of stdout and stderr, for failure messages.
    func logTail(lines: Int = 40) -> String {
        func tail(_ text: String) -> String {
            let all = text.split(separator: "\n", omittingEmptySubsequences: false)
            return all.suffix(lines).joined(separator: "\n")
        }
        return "---- worker \(name) (pid \(pid), \(exit.map(\.description) ?? "running")) stderr, last \(lines) lines:\n"
            + tail(stderr) + "\n---- worker \(name) stdout, last \(lines) lines:\n" + tail(stdout)
    }
}
