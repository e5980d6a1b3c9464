import Foundation

/// The built `upload-worker` executable, the subject of every end-to-end test. It sits in the build
/// products directory next to the test bundle (`.build/<triple>/debug/`); `UPLOAD_WORKER_BINARY`
/// overrides the search. A missing binary fails the test with a message saying how to build it.
enum WorkerExecutable {
    struct Missing: Error, CustomStringConvertible {
        let searched: [String]
        var description: String {
            "the upload-worker executable was not found (searched \(searched.joined(separator: ", "))); "
                + "build it with `swift build --build-tests` (the EndToEndTests target depends on it) "
                + "or point UPLOAD_WORKER_BINARY at it"
        }
    }

    static func url() throws -> URL {
        if let explicit = ProcessInfo.processInfo.environment["UPLOAD_WORKER_BINARY"], !explicit.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: explicit) else { throw Missing(searched: [explicit]) }
            return URL(fileURLWithPath: explicit)
        }
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        // On Linux the test bundle is an executable in the products directory; on macOS it is a
        // directory there (`.xctest/Contents/MacOS/...`), so also look a few levels up.
        var candidates: [URL] = []
        var directory = bundle.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(directory.appendingPathComponent("upload-worker"))
            directory = directory.deletingLastPathComponent()
        }
        for candidate in candidates {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
               FileManager.default.isExecutableFile(atPath: candidate.path) {
                return candidate
            }
        }
        throw Missing(searched: candidates.map(\.path))
    }
}
