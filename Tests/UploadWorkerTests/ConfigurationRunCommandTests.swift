import Foundation
import Testing
@testable import UploadWorker

/// `upload-worker run` as a process: configuration errors are one line and exit code 2, before
/// anything connects; `--help` and `--markdown` come from the settings table.
private enum UploadWorkerExecutable {
    /// The executable sits next to the test bundle in the build directory.
    static let url: URL? = {
        let bundleDir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for dir in [bundleDir, bundleDir.deletingLastPathComponent(), bundleDir.deletingLastPathComponent().deletingLastPathComponent()] {
            let candidate = dir.appendingPathComponent("upload-worker")
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDir), !isDir.boolValue,
               FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }()
}

@Suite("upload-worker run (process)", .enabled(if: UploadWorkerExecutable.url != nil, "the upload-worker executable is not built"))
struct RunCommandProcessTests {
    struct Outcome {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    private func run(_ arguments: [String], environment: [String: String]) throws -> Outcome {
        let process = Process()
        process.executableURL = UploadWorkerExecutable.url!
        process.arguments = ["run"] + arguments
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read before waiting so that a full pipe cannot block the child.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            Issue.record("upload-worker run did not exit")
        }
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    @Test func aMissingSettingIsOneLineAndExitCode2() throws {
        let r = try run([], environment: [:])
        #expect(r.status == 2)
        #expect(r.stderr == "upload-worker run: KAFKA_BOOTSTRAP_SERVERS: is required but not set\n")
        #expect(r.stdout.isEmpty)
    }

    @Test func aBadFlagValueIsOneLineAndExitCode2() throws {
        let env = ["KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1", "CLOUDFLARE_ACCOUNT_ID": "acc", "CLOUDFLARE_API_TOKEN": "tok"]
        let r = try run(["--max-in-flight", "0"], environment: env)
        #expect(r.status == 2)
        #expect(r.stderr == "upload-worker run: MAX_IN_FLIGHT: invalid value '0' (from --max-in-flight): expected a whole number from 1 to 100000\n")
    }

    @Test func helpListsEveryFlagWithItsDefault() throws {
        let r = try run(["--help"], environment: [:])
        #expect(r.status == 0)
        for s in WorkerConfiguration.settings {
            if let flag = s.flag {
                #expect(r.stdout.contains("--\(flag) <\(s.valueName)>"))
                if let d = s.defaultValue { #expect(r.stdout.contains("[env: \(s.variable)] (default: \(d))")) }
            } else {
                #expect(r.stdout.contains(s.variable))
            }
        }
        #expect(!r.stdout.contains("--markdown"))
    }

    @Test func markdownIsTheDocsTable() throws {
        let r = try run(["--markdown"], environment: [:])
        #expect(r.status == 0)
        #expect(r.stdout == WorkerConfiguration.markdownTable)
    }
}
