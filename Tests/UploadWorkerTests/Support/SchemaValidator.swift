import Foundation
import Synchronization

/// Validates JSON documents against the event schemas in schemas/ with Python's `jsonschema`
/// (scripts/validate_events.py), an implementation independent of the worker's own encoders.
/// Runs `UPLOAD_WORKER_PYTHON` (default `python3`). Reusable by any test that emits events:
///
///     let report = try await SchemaValidator.validate(events.map(\.value), against: .result)
///     #expect(report.invalid.isEmpty, "\(report)")
enum SchemaValidator {
    enum Schema: String, CaseIterable, Sendable {
        case request = "upload-request"
        case result = "upload-result"
        case error = "upload-error"

        var path: String { SchemaValidator.repositoryRoot.appendingPathComponent("schemas/\(rawValue).v1.schema.json").path }
    }

    /// The script's summary.
    struct Report: Decodable, Sendable, CustomStringConvertible {
        struct Invalid: Decodable, Sendable {
            /// The line of the input (1-based), or the example's index.
            var line: Int
            var errors: [String]
        }
        var schema: String
        var valid: Int
        var invalid: [Invalid]

        var description: String {
            "\(schema): \(valid) valid" + invalid.map { "\n  #\($0.line): " + $0.errors.joined(separator: "; ") }.joined()
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The checkout: three levels above this file (Tests/UploadWorkerTests/Support).
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var python: String { ProcessInfo.processInfo.environment["UPLOAD_WORKER_PYTHON"] ?? "python3" }

    /// Validates each document (one JSON text each, without raw newlines) against `schema`.
    static func validate(_ documents: [[UInt8]], against schema: Schema) async throws -> Report {
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("validate-\(UUID().uuidString).jsonl")
        var lines = Data()
        for document in documents {
            guard !document.contains(0x0A) else { throw Failure(description: "a document contains a raw newline: it is not compact JSON") }
            lines.append(contentsOf: document)
            lines.append(0x0A)
        }
        try lines.write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        return try await run([schema.path, input.path], expectedDocuments: documents.count)
    }

    /// Validates each string document against `schema`.
    static func validate(_ documents: [String], against schema: Schema) async throws -> Report {
        try await validate(documents.map { Array($0.utf8) }, against: schema)
    }

    /// Validates the schema's own `examples`.
    static func validateExamples(of schema: Schema) async throws -> Report {
        try await run(["--examples", schema.path], expectedDocuments: nil)
    }

    private static func run(_ arguments: [String], expectedDocuments: Int?) async throws -> Report {
        let script = repositoryRoot.appendingPathComponent("scripts/validate_events.py").path
        let output = try await runProcess(python, [script] + arguments, timeout: .seconds(60))
        guard output.status == 0 || output.status == 1 else {
            throw Failure(description: "validate_events.py exited with \(output.status): \(output.stderr)")
        }
        let report = try JSONDecoder().decode(Report.self, from: Data(output.stdout.utf8))
        if let expectedDocuments, report.valid + report.invalid.count != expectedDocuments {
            throw Failure(description: "validate_events.py saw \(report.valid + report.invalid.count) documents, expected \(expectedDocuments)")
        }
        return report
    }

    /// Runs a program to its end without blocking a cooperative thread (the exit is reported by
    /// Process's termination handler); kills it by PID if it outlives `timeout`.
    static func runProcess(_ program: String, _ arguments: [String], timeout: Duration) async throws -> (status: Int32, stdout: String, stderr: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("proc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let stdoutURL = directory.appendingPathComponent("stdout")
        let stderrURL = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        let stdout = try FileHandle(forWritingTo: stdoutURL)
        let stderr = try FileHandle(forWritingTo: stderrURL)
        defer {
            try? stdout.close()
            try? stderr.close()
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        let exited = ExitFlag()
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = {
                exited.set()
                continuation.resume(returning: $0.terminationStatus)
            }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
                return
            }
            let pid = process.processIdentifier
            Task.detached {
                try? await Task.sleep(for: timeout)
                // Still running past the timeout: stop exactly this process.
                if !exited.isSet { kill(pid, SIGKILL) }
            }
        }
        let out = (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? ""
        return (status, out, err)
    }
}

/// Whether a process has exited, shared between its termination handler and its watchdog.
private final class ExitFlag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}
