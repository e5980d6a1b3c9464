import Foundation
import HTTPClient
import HTTPServer

extension ImagesEmulator {
    /// `POST .../images/v1`: the form is checked in the order Cloudflare reports problems
    /// (form, ID, options, metadata), then the source is fetched and inspected.
    func upload(_ request: HTTPRequest) async -> HTTPResponse {
        guard let contentType = request.header("content-type"),
              let boundary = MultipartForm.boundary(contentType: contentType) else {
            return APIFailure.notMultipart.response
        }
        let form: MultipartForm
        do {
            form = try MultipartForm(body: request.body, boundary: boundary)
        } catch {
            return APIFailure.badRequest("malformed multipart body: \(error.description)").response
        }
        let upload: UploadForm
        switch UploadForm.parse(form) {
        case .success(let u): upload = u
        case .failure(let f): return f.response
        }
        if let id = upload.customID, state.withLock({ $0.images[id] != nil }) { return APIFailure.idTaken.response }

        let bytes: [UInt8]
        var sourceKey: String?
        var filename = upload.filename
        switch upload.source {
        case .file(let data):
            bytes = data
        case .url(let text):
            guard let source = SourceURL(text) else {
                return APIFailure.badRequest("url must be an absolute http or https URL").response
            }
            let key = source.normalized
            sourceKey = key
            filename = source.filename
            state.withLock { $0.stats.uploadAttempts[key, default: 0] += 1 }
            switch await fetch(source) {
            case .success(let b): bytes = b
            case .failure(let f):
                logger.debug("source fetch failed", metadata: ["url": "\(key)", "code": "\(f.code)"])
                return f.response
            }
        }
        if let failure = check(bytes) { return failure.response }

        let id = upload.customID ?? imageIDs.next()
        let hash = configuration.accountHash
        let image = StoredImage(
            id: id, filename: filename, uploaded: Date(), requireSignedURLs: upload.requireSignedURLs,
            variants: configuration.variants.map { "https://imagedelivery.net/\(hash)/\(id)/\($0)" },
            metaJSON: upload.metaJSON, creator: upload.creator, sourceURL: sourceKey)
        let inserted = state.withLock { s -> Bool in
            // Checked again here: two uploads of one custom ID may have fetched at once.
            guard s.images[image.id] == nil else { return false }
            s.images[image.id] = image
            if let sourceKey { s.stats.uploads[sourceKey, default: 0] += 1 } else { s.stats.fileUploads += 1 }
            return true
        }
        guard inserted else { return APIFailure.idTaken.response }
        return APISuccess.response(resultJSON: image.json)
    }

    /// Size, then format, then dimensions.
    func check(_ bytes: [UInt8]) -> APIFailure? {
        guard bytes.count <= configuration.maxImageBytes else {
            return .tooLarge(limit: configuration.maxImageBytes)
        }
        switch ImageInspector.inspect(bytes) {
        case .unsupported:
            return .unsupportedFormat
        case .undecodable(_, let detail):
            return .undecodable(detail)
        case .image(let info):
            guard let w = info.width, let h = info.height else { return nil }
            if max(w, h) > configuration.maxDimension || w * h > configuration.maxArea {
                return .dimensions(w, h, maxSide: configuration.maxDimension, maxArea: configuration.maxArea)
            }
            // Animations count the pixels of every frame.
            if info.frames > 1, w * h * info.frames > configuration.maxArea {
                return .animationTooLarge(w, h, frames: info.frames, maxArea: configuration.maxArea)
            }
            return nil
        }
    }

    /// GETs the source with its credentials as basic auth and the fetch timeout. Any origin
    /// status outside 2xx, a refused connection or a timeout is a 5454.
    func fetch(_ source: SourceURL) async -> Result<[UInt8], APIFailure> {
        if source.host == "imagedelivery.net" || source.host.hasSuffix(".imagedelivery.net") {
            return .failure(.fetchFailed("cannot ingest an image from imagedelivery.net"))
        }
        if isOwnOrigin(source) {
            state.withLock { $0.stats.originRequests += 1 }
            switch await origin.serve(path: source.path, query: source.query, authorization: source.basicAuthorization,
                                      timeout: configuration.fetchTimeout) {
            case .timedOut:
                return .failure(.fetchFailed("timed out after \(DurationText.format(configuration.fetchTimeout))"))
            case .response(let r):
                guard (200..<300).contains(r.status) else { return .failure(.fetchFailed("origin answered \(r.status)")) }
                return .success(r.body)
            }
        }
        var headers: [(name: String, value: String)] = [("User-Agent", "upload-worker-images-emulator")]
        if let auth = source.basicAuthorization { headers.append(("Authorization", auth)) }
        let request = HTTPClientRequest(method: "GET", url: source.fetchURL, headers: headers, timeout: configuration.fetchTimeout)
        do {
            let r = try await httpClient.execute(request)
            guard (200..<300).contains(r.status) else { return .failure(.fetchFailed("origin answered \(r.status)")) }
            return .success(r.body)
        } catch {
            switch error.kind {
            case .timedOut: return .failure(.fetchFailed("timed out after \(DurationText.format(configuration.fetchTimeout))"))
            case .connectionFailed: return .failure(.fetchFailed("could not connect to the origin"))
            case .responseTooLarge: return .failure(.tooLarge(limit: configuration.maxImageBytes))
            default: return .failure(.fetchFailed(error.kind.rawValue))
            }
        }
    }

    /// The source is this emulator's own built-in origin, reachable in process.
    private func isOwnOrigin(_ source: SourceURL) -> Bool {
        guard configuration.fetchesOwnOriginInProcess, source.scheme == "http", source.path.hasPrefix("/origin/"),
              let port, source.effectivePort == port else { return false }
        switch source.host {
        case "127.0.0.1", "localhost", "[::1]": return true
        default: return source.host == configuration.host.lowercased()
        }
    }
}
