import Foundation

/// A fresh directory under the system's temporary directory, removed by `remove()`; every store
/// test gets its own, so that tests can run in parallel.
struct StoreTestDirectory {
    let url: URL

    init(_ name: String = #function) throws {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        url = FileManager.default.temporaryDirectory.appendingPathComponent("upload-worker-\(safe)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ file: String) -> String { url.appendingPathComponent(file).path }

    func remove() { try? FileManager.default.removeItem(at: url) }
}
