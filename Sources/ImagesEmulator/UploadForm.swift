import Foundation

/// The fields of an upload form, checked.
struct UploadForm: Sendable {
    enum Source: Sendable {
        case url(String)
        case file([UInt8])
    }

    static let maxMetadataBytes = 1024
    static let maxCreatorCharacters = 1024

    var source: Source
    var filename: String?
    var customID: String?
    var requireSignedURLs = false
    var metaJSON: String?
    var creator: String?

    static func parse(_ form: MultipartForm) -> Result<UploadForm, APIFailure> {
        let url = form["url"], file = form["file"]
        let source: Source
        switch (url, file) {
        case (.some, .some): return .failure(.badRequest("url and file cannot be used together"))
        case (.none, .none): return .failure(.badRequest("either url or file is required"))
        case (.some(let u), .none):
            guard let text = u.text, !text.trimmingSpaces.isEmpty else { return .failure(.badRequest("url is empty")) }
            source = .url(text)
        case (.none, .some(let f)):
            source = .file(Array(f.body))
        }
        var upload = UploadForm(source: source, filename: file?.filename)

        if let idPart = form["id"] {
            guard let id = idPart.text else { return .failure(.invalidID("must be UTF-8")) }
            if let problem = CustomImageID.problem(id) { return .failure(.invalidID(problem)) }
            upload.customID = id
        }
        if let part = form["requireSignedURLs"] {
            switch part.text?.trimmingSpaces.lowercased() {
            case "true", "1": upload.requireSignedURLs = true
            case "false", "0", "": upload.requireSignedURLs = false
            default: return .failure(.badRequest("requireSignedURLs must be true or false"))
            }
        }
        if upload.requireSignedURLs, upload.customID != nil { return .failure(.privateCustomID) }
        if let part = form["metadata"] {
            guard part.body.count <= maxMetadataBytes else {
                return .failure(.badRequest("metadata must be at most \(maxMetadataBytes) bytes"))
            }
            guard let text = part.text,
                  (try? JSONSerialization.jsonObject(with: Data(part.body))) is [String: Any] else {
                return .failure(.badRequest("metadata must be a JSON object"))
            }
            upload.metaJSON = String(text.trimmingSpaces)
        }
        if let part = form["creator"] {
            guard let text = part.text, text.count <= maxCreatorCharacters else {
                return .failure(.badRequest("creator must be at most \(maxCreatorCharacters) characters"))
            }
            upload.creator = text
        }
        return .success(upload)
    }
}
