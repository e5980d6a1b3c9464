import HTTPServer
import Synchronization

/// Image files for demos and tests, served under `/origin/`. Images are made in code (solid
/// colour, real headers) and cached by format and size. The special names below are matched on
/// the last path component, so `/origin/run-7/missing.png?n=3` is a 404 too: callers can make
/// every URL unique.
///
/// - `<any path>/<name>.(png|jpg|jpeg|gif|webp|svg)`: an image; a `WxH` in the name sets its
///   size (`/origin/photos/800x600.jpg`, `/origin/cat-1920x1080.webp`), else 640x480.
/// - `large.png`: a real 3200x3400 PNG of about 10.9 MB (over the 10 MB limit).
/// - `too-wide.png`: 12,001 x 10 px. `too-many-pixels.gif`: 10,001 x 10,001 px (100.02 MP).
/// - `animated.gif`: 320x240, 10 frames. `animated-too-many-pixels.gif`: 5 frames of 5000x5000
///   (125 MP over all frames).
/// - `corrupt.png`: a PNG signature with a broken header (9422).
/// - `not-an-image.html`: an HTML page; `html-as.png`: the same page sent as `image/png`.
/// - `missing.png`: 404. `error.png`: 500.
/// - `slow.png?ms=N`: a PNG sent after N ms (default 2000).
/// - `private.png`: a PNG behind basic auth (`Configuration.originUser` / `originPassword`).
final class BuiltInOrigin: Sendable {
    enum Answer: Sendable {
        case response(HTTPResponse)
        /// The answer would have come after the caller's timeout.
        case timedOut
    }

    private struct Key: Hashable {
        var format: ImageInspector.Format
        var width: Int
        var height: Int
        var stored: Bool
    }

    private let cache = Mutex<[Key: [UInt8]]>([:])
    private let expectedAuthorization: String
    static let defaultSize = (width: 640, height: 480)
    /// Made once per process (about 10.9 MB): Swift's lazy static initialization is thread-safe.
    static let largePNG = SyntheticImage.png(width: 3200, height: 3400, stored: true)
    /// 320x240, 10 frames.
    static let animatedGIF = SyntheticImage.gif(width: 320, height: 240, frames: 10)
    /// 5000x5000, 5 frames: 125 megapixels over all frames, each frame within the limits.
    static let animatedTooManyPixelsGIF = SyntheticImage.gif(width: 5000, height: 5000, frames: 5)

    private static func gifResponse(_ bytes: [UInt8]) -> HTTPResponse {
        HTTPResponse(status: 200, headers: [("Content-Type", "image/gif")], body: bytes)
    }
    static let maxCachedImages = 256

    init(user: String, password: String) {
        expectedAuthorization = "Basic " + Base64.encode(Array("\(user):\(password)".utf8))
    }

    /// Answers `path` (starting with `/origin/`). `timeout` bounds a slow answer: past it the
    /// caller gets `.timedOut` once the timeout has elapsed, as a real client would.
    func serve(path: String, query: String?, authorization: String?, timeout: Duration? = nil) async -> Answer {
        let last = path.split(separator: "/").last.map(String.init) ?? ""
        switch last {
        case "large.png": return .response(HTTPResponse(status: 200, headers: [("Content-Type", "image/png")], body: Self.largePNG))
        case "too-wide.png": return .response(image(.png, 12_001, 10))
        case "too-many-pixels.gif": return .response(image(.gif, 10_001, 10_001))
        case "animated.gif": return .response(Self.gifResponse(Self.animatedGIF))
        case "animated-too-many-pixels.gif": return .response(Self.gifResponse(Self.animatedTooManyPixelsGIF))
        case "corrupt.png":
            var bytes = SyntheticImage.png(width: 64, height: 64)
            bytes[29] ^= 0xFF  // break the IHDR checksum
            return .response(HTTPResponse(status: 200, headers: [("Content-Type", "image/png")], body: bytes))
        case "not-an-image.html": return .response(.text(200, Self.html, contentType: "text/html; charset=utf-8"))
        case "html-as.png": return .response(.text(200, Self.html, contentType: "image/png"))
        case "missing.png": return .response(.text(404, "Not Found"))
        case "error.png": return .response(.text(500, "Internal Server Error"))
        case "private.png":
            guard authorization == expectedAuthorization else {
                var r = HTTPResponse.text(401, "Unauthorized")
                r.headers.append(("WWW-Authenticate", "Basic realm=\"origin\""))
                return .response(r)
            }
            return .response(image(.png, 320, 240))
        case "slow.png":
            let ms = Int(Self.queryValue("ms", in: query) ?? "") ?? 2000
            let delay = Duration.milliseconds(max(0, ms))
            if let timeout, timeout < delay {
                try? await Task.sleep(for: timeout)
                return .timedOut
            }
            try? await Task.sleep(for: delay)
            return .response(image(.png, 320, 240))
        default:
            guard let (format, w, h) = Self.parseImageName(last) else { return .response(.text(404, "Not Found")) }
            return .response(image(format, w, h))
        }
    }

    private func image(_ format: ImageInspector.Format, _ w: Int, _ h: Int, stored: Bool = false) -> HTTPResponse {
        let key = Key(format: format, width: w, height: h, stored: stored)
        let bytes: [UInt8]
        if let cached = cache.withLock({ $0[key] }) {
            bytes = cached
        } else {
            // Made outside the lock: two callers may both make it once; both results are equal.
            bytes = Self.make(key)
            cache.withLock {
                if $0.count >= Self.maxCachedImages { $0.removeAll() }
                $0[key] = bytes
            }
        }
        return HTTPResponse(status: 200, headers: [("Content-Type", Self.contentType(format))], body: bytes)
    }

    private static func make(_ key: Key) -> [UInt8] {
        switch key.format {
        case .png: return SyntheticImage.png(width: key.width, height: key.height, stored: key.stored)
        case .jpeg: return SyntheticImage.jpeg(width: key.width, height: key.height)
        case .gif: return SyntheticImage.gif(width: key.width, height: key.height)
        case .webp: return SyntheticImage.webp(width: key.width, height: key.height)
        case .svg, .heic: return SyntheticImage.svg(width: key.width, height: key.height)
        }
    }

    static func contentType(_ format: ImageInspector.Format) -> String {
        switch format {
        case .png: "image/png"
        case .jpeg: "image/jpeg"
        case .gif: "image/gif"
        case .webp: "image/webp"
        case .svg: "image/svg+xml"
        case .heic: "image/heic"
        }
    }

    /// `name.ext` with an optional `WxH` in the name. Sizes are bounded by what each format can
    /// hold (WebP: 16,384; JPEG and GIF: 65,535) and by 400 megapixels.
    static func parseImageName(_ name: String) -> (ImageInspector.Format, Int, Int)? {
        guard let dot = name.lastIndex(of: ".") else { return nil }
        let format: ImageInspector.Format
        switch name[name.index(after: dot)...].lowercased() {
        case "png": format = .png
        case "jpg", "jpeg": format = .jpeg
        case "gif": format = .gif
        case "webp": format = .webp
        case "svg": format = .svg
        default: return nil
        }
        var (w, h) = defaultSize
        if let size = lastSize(in: name[..<dot]) { (w, h) = size }
        let maxSide = format == .webp ? 16_384 : (format == .png ? 100_000 : 65_535)
        guard w >= 1, h >= 1, w <= maxSide, h <= maxSide, w * h <= 400_000_000 else { return nil }
        return (format, w, h)
    }

    /// The last `<digits>x<digits>` in the text.
    private static func lastSize(in text: Substring) -> (Int, Int)? {
        let chars = Array(text.utf8)
        var i = chars.count - 1
        while i >= 0 {
            guard chars[i] == UInt8(ascii: "x") else { i -= 1; continue }
            var a = i - 1
            while a >= 0, (48...57).contains(chars[a]) { a -= 1 }
            var b = i + 1
            while b < chars.count, (48...57).contains(chars[b]) { b += 1 }
            if a < i - 1, b > i + 1, b - i <= 7, i - a <= 7,
               let w = Int(String(decoding: chars[(a + 1)..<i], as: UTF8.self)),
               let h = Int(String(decoding: chars[(i + 1)..<b], as: UTF8.self)) {
                return (w, h)
            }
            i -= 1
        }
        return nil
    }

    static func queryValue(_ key: String, in query: String?) -> String? {
        guard let query else { return nil }
        for pair in query.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1)
            if kv.first == Substring(key) { return kv.count > 1 ? String(kv[1]) : "" }
        }
        return nil
    }

    static let html = """
        <!DOCTYPE html>
        <html><head><title>Just a moment...</title></head>
        <body><p>Checking your browser before accessing this site.</p><svg width="10" height="10"></svg></body></html>

        """
}
