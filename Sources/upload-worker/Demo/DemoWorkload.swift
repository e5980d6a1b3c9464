import CloudflareImages
import Foundation

/// The requests the demo produces: distinct images, repeats of some of them (one spelled
/// differently), and one of each failure a newcomer should see handled, each with the outcome the
/// worker must give it. Deterministic for a given count and origin.
struct DemoWorkload: Sendable {
    /// What the worker must answer to one request.
    enum Expected: Sendable, Equatable, CustomStringConvertible {
        case result
        /// An error event of this kind (`UploadErrorKind` raw value).
        case error(String)

        var description: String {
            switch self {
            case .result: "result"
            case .error(let kind): "error \(kind)"
            }
        }
    }

    struct Request: Sendable {
        /// `requestId` in the payload; for a payload that is not JSON, a label only (the worker
        /// names it `<topic>/<partition>/<offset>`).
        var id: String
        var key: Data?
        var value: Data
        var expected: Expected
        /// Set for the special requests, shown in the summary: "missing image"...
        var role: String?
        /// The URL whose upload this request needs (nil when it must not be uploaded).
        var uploadKey: String?
    }

    /// The fixed special requests (their count comes out of `count`).
    static let specialCount = 7
    static let minimumCount = specialCount + 3

    let requests: [Request]
    /// Distinct URLs that must be uploaded exactly once each.
    let distinctUploads: Int
    /// Requests that repeat a URL produced earlier in the workload.
    let repeats: Int

    /// - Parameters:
    ///   - count: requests in all (at least `minimumCount`).
    ///   - origin: the emulator's built-in origin, `http://127.0.0.1:PORT/origin`.
    init(count: Int, origin: String) {
        precondition(count >= Self.minimumCount)
        let formats = ["jpg", "png", "webp", "gif", "jpeg"]
        let sizes = ["800x600", "1920x1080", "640x480", "1200x1200", "320x240"]
        let plain = count - Self.specialCount
        let repeats = max(1, plain / 5)
        let distinct = plain - repeats
        // The image behind basic auth is one more distinct upload.
        self.distinctUploads = distinct + 1
        self.repeats = repeats + 1

        var distinctRequests: [Request] = []
        var urls: [String] = []
        for i in 0..<distinct {
            let url = "\(origin)/catalog/product-\(String(format: "%04d", i + 1))-\(sizes[i % sizes.count]).\(formats[(i / sizes.count) % formats.count])"
            urls.append(url)
            distinctRequests.append(Self.upload(id: "demo-\(String(format: "%04d", i + 1))", url: url, uploadKey: url))
        }
        // Repeats: every other distinct URL again, each a few requests after its first (some
        // while the first upload is in flight, which they share; some after, from the store).
        var repeatRequests: [Request] = []
        for r in 0..<repeats {
            let url = urls[(r * 2) % urls.count]
            repeatRequests.append(Self.upload(id: "demo-repeat-\(String(format: "%03d", r + 1))", url: url, uploadKey: url))
        }

        let normalizedTwin = urls[1]
        let specials: [Request] = [
            Self.upload(id: "demo-missing", url: "\(origin)/catalog/missing.png", expected: .error("source_rejected"), role: "missing image (the origin answers 404)"),
            Self.upload(id: "demo-not-an-image", url: "\(origin)/catalog/not-an-image.html", expected: .error("source_rejected"), role: "not an image (an HTML page)"),
            Self.upload(id: "demo-too-large", url: "\(origin)/catalog/large.png", expected: .error("source_rejected"), role: "too large (a 10.9 MB PNG, over 10 MB)"),
            Self.upload(
                id: "demo-private", url: origin.replacingOccurrences(of: "http://", with: "http://demo:secret@") + "/catalog/private.png",
                expected: .result, role: "behind basic auth (credentials stripped from events)",
                uploadKey: "\(origin)/catalog/private.png"),
            Self.upload(
                id: "demo-same-url-spelled-differently", url: normalizedTwin.replacingOccurrences(of: "http://", with: "HTTP://") + "#zoom",
                expected: .result, role: "a repeat spelled differently (HTTP://, #fragment)", uploadKey: normalizedTwin),
            Request(
                id: "demo-not-json", key: Data("demo-not-json".utf8), value: Data("this is not JSON {".utf8),
                expected: .error("invalid_request"), role: "invalid message (not JSON)", uploadKey: nil),
            Request(
                id: "demo-bad-scheme", key: Data("demo-bad-scheme".utf8),
                value: Data(#"{"requestId":"demo-bad-scheme","url":"ftp://example.com/cat.png"}"#.utf8),
                expected: .error("invalid_request"), role: "invalid message (ftp:// URL)", uploadKey: nil),
        ]
        // Interleave: the specials early and in the middle, repeats after their originals.
        var all: [Request] = []
        all.reserveCapacity(count)
        var specialIterator = specials.makeIterator()
        var repeatIterator = repeatRequests.makeIterator()
        for (i, request) in distinctRequests.enumerated() {
            all.append(request)
            if i % 9 == 4, let special = specialIterator.next() { all.append(special) }
            if i % 4 == 3, i >= 8, let repeated = repeatIterator.next() { all.append(repeated) }
        }
        while let special = specialIterator.next() { all.append(special) }
        while let repeated = repeatIterator.next() { all.append(repeated) }
        self.requests = all
    }

    private static func upload(id: String, url: String, expected: Expected = .result, role: String? = nil, uploadKey: String? = nil) -> Request {
        let payload = "{\"requestId\":\(JSONValue.quote(id)),\"url\":\(JSONValue.quote(url)),\"metadata\":{\"source\":\"demo\"}}"
        // Keyed by URL: requests for one image land on one partition, in order.
        return Request(id: id, key: Data(url.utf8), value: Data(payload.utf8), expected: expected, role: role, uploadKey: uploadKey)
    }
}
