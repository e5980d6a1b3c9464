/// Recognizes an image by its bytes (never by a Content-Type) and reads its dimensions from the
/// header, as Cloudflare does before accepting an upload. It decodes no pixels.
enum ImageInspector {
    enum Format: String, Sendable, CaseIterable {
        case png, jpeg, gif, webp, svg, heic
    }

    struct Info: Sendable, Equatable {
        var format: Format
        /// Nil for SVG, whose size is not bounded by a pixel limit.
        var width: Int?
        var height: Int?
        /// Frames of an animated GIF; 1 otherwise.
        var frames: Int = 1
    }

    enum Verdict: Sendable, Equatable {
        case image(Info)
        /// Not one of the accepted formats (error 5455).
        case unsupported
        /// Looks like an accepted format but its header cannot be read (error 9422).
        case undecodable(Format, String)
    }

    static func inspect(_ b: [UInt8]) -> Verdict {
        if b.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return png(b) }
        if b.starts(with: [0xFF, 0xD8, 0xFF]) { return jpeg(b) }
        if b.starts(with: Array("GIF87a".utf8)) || b.starts(with: Array("GIF89a".utf8)) { return gif(b) }
        if b.count >= 12, b.starts(with: Array("RIFF".utf8)), Array(b[8..<12]) == Array("WEBP".utf8) { return webp(b) }
        if b.count >= 12, Array(b[4..<8]) == Array("ftyp".utf8) { return heic(b) }
        if isSVG(b) { return .image(Info(format: .svg, width: nil, height: nil)) }
        return .unsupported
    }

    // MARK: - Formats

    private static func png(_ b: [UInt8]) -> Verdict {
        // The first chunk must be IHDR, 13 bytes, with a correct CRC.
        guard b.count >= 33, be32(b, 8) == 13, Array(b[12..<16]) == Array("IHDR".utf8) else {
            return .undecodable(.png, "missing IHDR chunk")
        }
        guard CRC32.checksum(b[12..<29]) == UInt32(be32(b, 29)) else { return .undecodable(.png, "IHDR checksum mismatch") }
        let w = be32(b, 16), h = be32(b, 20)
        guard w > 0, h > 0, w <= Int(Int32.max), h <= Int(Int32.max) else { return .undecodable(.png, "invalid dimensions") }
        return .image(Info(format: .png, width: w, height: h))
    }

    private static func jpeg(_ b: [UInt8]) -> Verdict {
        var i = 2
        while i + 3 < b.count {
            guard b[i] == 0xFF else { return .undecodable(.jpeg, "bad marker") }
            let marker = b[i + 1]
            if marker == 0xFF { i += 1; continue }  // fill byte
            if marker == 0xD8 || marker == 0x01 || (0xD0...0xD7).contains(marker) { i += 2; continue }
            if marker == 0xD9 || marker == 0xDA { break }  // end of image, start of scan: no frame header
            let length = be16(b, i + 2)
            guard length >= 2 else { return .undecodable(.jpeg, "bad segment length") }
            let isFrame = (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
            if isFrame {
                guard i + 9 <= b.count, length >= 8 else { break }
                let h = be16(b, i + 5), w = be16(b, i + 7)
                guard w > 0, h > 0 else { return .undecodable(.jpeg, "zero dimension") }
                return .image(Info(format: .jpeg, width: w, height: h))
            }
            i += 2 + length
        }
        return .undecodable(.jpeg, "no frame header")
    }

    private static func gif(_ b: [UInt8]) -> Verdict {
        guard b.count >= 13 else { return .undecodable(.gif, "truncated header") }
        let w = Int(b[6]) | Int(b[7]) << 8, h = Int(b[8]) | Int(b[9]) << 8
        guard w > 0, h > 0 else { return .undecodable(.gif, "zero dimension") }
        return .image(Info(format: .gif, width: w, height: h, frames: max(1, gifFrames(b))))
    }

    /// Image descriptors in a GIF, walking its blocks; stops quietly at anything malformed.
    static func gifFrames(_ b: [UInt8]) -> Int {
        func colourTableSize(_ packed: UInt8) -> Int { packed & 0x80 != 0 ? 3 << (Int(packed & 0x07) + 1) : 0 }
        func skipSubBlocks(_ i: inout Int) {
            while i < b.count, b[i] != 0 { i += Int(b[i]) + 1 }
            i += 1
        }
        var i = 13 + colourTableSize(b[10])
        var frames = 0
        while i < b.count {
            switch b[i] {
            case 0x21:  // extension: label, then sub-blocks
                i += 2
                skipSubBlocks(&i)
            case 0x2C:  // image descriptor, local colour table, LZW code size, data
                guard i + 10 <= b.count else { return frames }
                frames += 1
                i += 10 + colourTableSize(b[i + 9]) + 1
                skipSubBlocks(&i)
            default:  // 0x3B trailer, or garbage
                return frames
            }
        }
        return frames
    }

    private static func webp(_ b: [UInt8]) -> Verdict {
        guard b.count >= 16 else { return .undecodable(.webp, "truncated header") }
        let chunk = String(decoding: b[12..<16], as: UTF8.self)
        guard b.count >= (chunk == "VP8L" ? 25 : 30) else { return .undecodable(.webp, "truncated header") }
        switch chunk {
        case "VP8 ":
            // Frame tag (3 bytes), start code 9d 01 2a, then 14-bit width and height.
            guard b[23] == 0x9D, b[24] == 0x01, b[25] == 0x2A else { return .undecodable(.webp, "bad VP8 start code") }
            let w = (Int(b[26]) | Int(b[27]) << 8) & 0x3FFF, h = (Int(b[28]) | Int(b[29]) << 8) & 0x3FFF
            guard w > 0, h > 0 else { return .undecodable(.webp, "zero dimension") }
            return .image(Info(format: .webp, width: w, height: h))
        case "VP8L":
            guard b[20] == 0x2F else { return .undecodable(.webp, "bad VP8L signature") }
            let bits = UInt32(b[21]) | UInt32(b[22]) << 8 | UInt32(b[23]) << 16 | UInt32(b[24]) << 24
            return .image(Info(format: .webp, width: Int(bits & 0x3FFF) + 1, height: Int(bits >> 14 & 0x3FFF) + 1))
        case "VP8X":
            let w = (Int(b[24]) | Int(b[25]) << 8 | Int(b[26]) << 16) + 1
            let h = (Int(b[27]) | Int(b[28]) << 8 | Int(b[29]) << 16) + 1
            return .image(Info(format: .webp, width: w, height: h))
        default:
            return .undecodable(.webp, "unknown WebP chunk")
        }
    }

    private static let heicBrands: Set<String> = ["heic", "heix", "hevc", "hevx", "heim", "heis", "hevm", "hevs", "mif1", "msf1"]

    private static func heic(_ b: [UInt8]) -> Verdict {
        // ISO base media file: the major or a compatible brand says HEIF; AVIF is not accepted here.
        let boxSize = be32(b, 0)
        var brands = [String(decoding: b[8..<12], as: UTF8.self)]
        var i = 16
        while i + 4 <= min(boxSize, b.count) {
            brands.append(String(decoding: b[i..<(i + 4)], as: UTF8.self))
            i += 4
        }
        guard brands[0] != "avif", brands[0] != "avis", brands.contains(where: heicBrands.contains) else {
            return .unsupported
        }
        // The primary image's size is in an `ispe` property: version/flags, width, height.
        let ispe = Array("ispe".utf8)
        guard let at = MultipartForm.find(ispe, in: Array(b.prefix(64 * 1024)), from: 0), at + 16 <= b.count else {
            return .undecodable(.heic, "no image spatial extents")
        }
        let w = be32(b, at + 8), h = be32(b, at + 12)
        guard w > 0, h > 0 else { return .undecodable(.heic, "zero dimension") }
        return .image(Info(format: .heic, width: w, height: h))
    }

    /// An SVG document: after an optional BOM, XML declaration, comments and doctype, the root
    /// element is `<svg`. An HTML page that merely contains an `<svg>` is not one.
    private static func isSVG(_ b: [UInt8]) -> Bool {
        var s = Substring(String(decoding: b.prefix(4096), as: UTF8.self))
        if s.hasPrefix("\u{FEFF}") { s = s.dropFirst() }
        while true {
            s = s.drop(while: { $0.isWhitespace })
            if s.hasPrefix("<?") || s.hasPrefix("<!DOCTYPE") || s.hasPrefix("<!doctype") {
                guard let end = s.firstIndex(of: ">") else { return false }
                s = s[s.index(after: end)...]
            } else if s.hasPrefix("<!--") {
                guard let end = s.range(of: "-->") else { return false }
                s = s[end.upperBound...]
            } else {
                break
            }
        }
        guard s.hasPrefix("<svg") else { return false }
        let next = s.dropFirst(4).first
        return next == nil || next == ">" || next!.isWhitespace || next == "/"
    }

    // MARK: - Bytes

    private static func be32(_ b: [UInt8], _ i: Int) -> Int {
        Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3])
    }

    private static func be16(_ b: [UInt8], _ i: Int) -> Int {
        guard i + 1 < b.count else { return 0 }
        return Int(b[i]) << 8 | Int(b[i + 1])
    }
}
