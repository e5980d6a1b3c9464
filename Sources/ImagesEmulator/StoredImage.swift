import CloudflareImages
import Foundation

/// An image the emulator holds, with its JSON written once at upload time.
struct StoredImage: Sendable {
    var id: String
    var filename: String?
    var uploaded: Date
    var requireSignedURLs: Bool
    var variants: [String]
    /// The metadata object as received (validated JSON), or nil.
    var metaJSON: String?
    var creator: String?
    /// The normalized source URL, or nil for a `file` upload.
    var sourceURL: String?
    /// The Image object as JSON.
    var json: String = ""

    init(id: String, filename: String?, uploaded: Date, requireSignedURLs: Bool, variants: [String], metaJSON: String?, creator: String?, sourceURL: String?) {
        // Milliseconds, as the API reports it: the Date and the JSON agree.
        let ms = Int64((uploaded.timeIntervalSince1970 * 1000).rounded(.down))
        self.id = id
        self.filename = filename
        self.uploaded = Date(timeIntervalSince1970: Double(ms) / 1000)
        self.requireSignedURLs = requireSignedURLs
        self.variants = variants
        self.metaJSON = metaJSON
        self.creator = creator
        self.sourceURL = sourceURL
        var s = "{\"id\":" + JSONValue.quote(id)
        if let filename { s += ",\"filename\":" + JSONValue.quote(filename) }
        if let metaJSON { s += ",\"meta\":" + metaJSON }
        if let creator { s += ",\"creator\":" + JSONValue.quote(creator) }
        s += ",\"uploaded\":\"" + CloudflareDate.format(millisecondsSince1970: ms) + "\""
        s += ",\"requireSignedURLs\":" + (requireSignedURLs ? "true" : "false")
        s += ",\"variants\":" + "[" + variants.map(JSONValue.quote).joined(separator: ",") + "]" + "}"
        json = s
    }

    /// The wire model, for callers in process.
    var image: Image {
        let meta = metaJSON.flatMap { try? JSONDecoder().decode([String: JSONValue].self, from: Data($0.utf8)) }
        return Image(id: id, filename: filename, uploaded: uploaded, requireSignedURLs: requireSignedURLs, variants: variants, metadata: meta, creator: creator)
    }
}
