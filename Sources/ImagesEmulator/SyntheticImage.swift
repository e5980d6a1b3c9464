/// Real, valid image files of any size, made in code for the built-in origin: each is one solid
/// colour, so it compresses to almost nothing while its header carries the real dimensions.
enum SyntheticImage {
    // MARK: PNG

    /// An 8-bit palette PNG whose pixels are all palette entry 0. `stored` writes the pixel data
    /// uncompressed (deflate stored blocks), which makes the file about `width * height` bytes.
    static func png(width: Int, height: Int, rgb: (UInt8, UInt8, UInt8) = (0xF3, 0x80, 0x20), stored: Bool = false) -> [UInt8] {
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var ihdr: [UInt8] = []
        ihdr.appendBE32(UInt32(width))
        ihdr.appendBE32(UInt32(height))
        ihdr += [8, 3, 0, 0, 0]  // bit depth 8, palette, deflate, no filter method, no interlace
        appendChunk("IHDR", ihdr, to: &out)
        appendChunk("PLTE", [rgb.0, rgb.1, rgb.2], to: &out)
        let rawCount = height * (width + 1)  // a filter byte (0) before each row of zeros
        let deflated = stored ? deflateStoredZeros(count: rawCount) : deflateFixedZeros(count: rawCount)
        var zlib: [UInt8] = [0x78, 0x01]
        zlib += deflated
        zlib.appendBE32(UInt32(rawCount % 65521) << 16 | 1)  // Adler-32 of `rawCount` zero bytes
        appendChunk("IDAT", zlib, to: &out)
        appendChunk("IEND", [], to: &out)
        return out
    }

    private static func appendChunk(_ type: String, _ data: [UInt8], to out: inout [UInt8]) {
        out.appendBE32(UInt32(data.count))
        let start = out.count
        out += Array(type.utf8)
        out += data
        out.appendBE32(CRC32.checksum(out[start...]))
    }

    /// One fixed-Huffman block: a literal zero, then matches of 258 bytes at distance 1.
    private static func deflateFixedZeros(count: Int) -> [UInt8] {
        var w = LSBBitWriter()
        w.write(1, bits: 1)  // BFINAL
        w.write(1, bits: 2)  // BTYPE = fixed Huffman
        var remaining = count
        func literalZero() { w.writeHuffman(0x30, length: 8) }
        if remaining > 0 { literalZero(); remaining -= 1 }
        while remaining >= 258 {
            w.writeHuffman(0xC5, length: 8)  // length code 285: 258
            w.writeHuffman(0, length: 5)  // distance code 0: 1
            remaining -= 258
        }
        while remaining > 0 { literalZero(); remaining -= 1 }
        w.writeHuffman(0, length: 7)  // end of block (256)
        return w.finish()
    }

    private static func deflateStoredZeros(count: Int) -> [UInt8] {
        let blocks = max(1, (count + 65534) / 65535)
        var out = [UInt8](repeating: 0, count: count + blocks * 5)
        var at = 0, remaining = count
        for block in 0..<blocks {
            let n = min(remaining, 65535)
            remaining -= n
            out[at] = block == blocks - 1 ? 1 : 0  // BFINAL, BTYPE = stored, padding
            out[at + 1] = UInt8(n & 0xFF); out[at + 2] = UInt8(n >> 8)
            out[at + 3] = UInt8(~n & 0xFF); out[at + 4] = UInt8((~n >> 8) & 0xFF)
            at += 5 + n  // the data bytes are already zero
        }
        return out
    }

    // MARK: JPEG

    /// A baseline grayscale JPEG, mid-grey: every 8x8 block codes a DC difference of 0 and an
    /// end-of-block, with one-symbol Huffman tables (code `0`), so two bits per block.
    static func jpeg(width: Int, height: Int) -> [UInt8] {
        var out: [UInt8] = [0xFF, 0xD8]
        out += [0xFF, 0xE0, 0x00, 0x10] + Array("JFIF".utf8) + [0, 1, 1, 0, 0, 1, 0, 1, 0, 0]
        out += [0xFF, 0xDB, 0x00, 0x43, 0x00] + [UInt8](repeating: 1, count: 64)
        out += [0xFF, 0xC0, 0x00, 0x0B, 8]
        out.appendBE16(UInt16(height))
        out.appendBE16(UInt16(width))
        out += [1, 1, 0x11, 0]
        let oneSymbolTable = [1] + [UInt8](repeating: 0, count: 15) + [0]
        out += [0xFF, 0xC4, 0x00, 0x14, 0x00] + oneSymbolTable  // DC table 0: symbol 0 (difference 0)
        out += [0xFF, 0xC4, 0x00, 0x14, 0x10] + oneSymbolTable  // AC table 0: symbol 0x00 (EOB)
        out += [0xFF, 0xDA, 0x00, 0x08, 1, 1, 0x00, 0, 63, 0]
        let blocks = ((width + 7) / 8) * ((height + 7) / 8)
        let bits = blocks * 2
        out += repeatElement(0, count: bits / 8)
        if bits % 8 != 0 { out.append(0xFF >> UInt8(bits % 8)) }  // pad with one-bits
        out += [0xFF, 0xD9]
        return out
    }

    // MARK: GIF

    /// A GIF89a with `frames` full-size frames of colour 0 (an animation when more than one),
    /// LZW-coded for real.
    static func gif(width: Int, height: Int, frames: Int = 1, rgb: (UInt8, UInt8, UInt8) = (0x20, 0x80, 0xF3)) -> [UInt8] {
        var out = Array("GIF89a".utf8)
        out.appendLE16(UInt16(width))
        out.appendLE16(UInt16(height))
        out += [0x80, 0, 0]  // global colour table of 2 entries
        out += [rgb.0, rgb.1, rgb.2, 0, 0, 0]
        if frames > 1 {  // NETSCAPE2.0 application extension: loop forever
            out += [0x21, 0xFF, 11] + Array("NETSCAPE2.0".utf8) + [3, 1, 0, 0, 0]
        }
        let data = lzwUniform(pixels: width * height)
        for _ in 0..<max(1, frames) {
            if frames > 1 { out += [0x21, 0xF9, 4, 0x04, 10, 0, 0, 0] }  // graphic control: 100 ms
            out += [0x2C, 0, 0, 0, 0]
            out.appendLE16(UInt16(width))
            out.appendLE16(UInt16(height))
            out.append(0)
            out.append(2)  // LZW minimum code size
            var i = 0
            while i < data.count {
                let n = min(255, data.count - i)
                out.append(UInt8(n))
                out += data[i..<(i + n)]
                i += n
            }
            out.append(0)
        }
        out.append(0x3B)
        return out
    }

    /// LZW of `pixels` zeros with minimum code size 2. In a uniform run the greedy match grows by
    /// one pixel per code: the k-th code after a clear covers k pixels and is 0 (k = 1) or k + 4.
    private static func lzwUniform(pixels: Int) -> [UInt8] {
        let clear: UInt32 = 4, end: UInt32 = 5
        var w = LSBBitWriter()
        var next: UInt32 = 6
        func width() -> Int { max(3, bitLength(next - 1)) }
        w.write(clear, bits: 3)
        var remaining = pixels
        var length = 1
        while remaining > 0 {
            let k = min(length, remaining)
            w.write(k == 1 ? 0 : UInt32(k + 4), bits: width())
            remaining -= k
            next += 1  // the entry the decoder adds (counted for the last code too)
            length += 1
            if next >= 4094, remaining > 0 {
                w.write(clear, bits: width())
                next = 6
                length = 1
            }
        }
        w.write(end, bits: width())
        return w.finish()
    }

    private static func bitLength(_ v: UInt32) -> Int { 32 - v.leadingZeroBitCount }

    // MARK: WebP

    /// A lossless WebP (VP8L) where every prefix code has a single symbol: each pixel costs zero
    /// bits, so any size is a few dozen bytes.
    static func webp(width: Int, height: Int, argb: (UInt8, UInt8, UInt8, UInt8) = (0xFF, 0xF3, 0x80, 0x20)) -> [UInt8] {
        var w = LSBBitWriter()
        w.write(0x2F, bits: 8)
        w.write(UInt32(width - 1), bits: 14)
        w.write(UInt32(height - 1), bits: 14)
        w.write(0, bits: 1)  // alpha hint
        w.write(0, bits: 3)  // version
        w.write(0, bits: 1)  // no transform
        w.write(0, bits: 1)  // no colour cache
        w.write(0, bits: 1)  // no meta prefix codes
        for symbol in [argb.2, argb.1, argb.3, argb.0] {  // green, red, blue, alpha
            w.write(1, bits: 1)  // simple code
            w.write(0, bits: 1)  // one symbol
            w.write(1, bits: 1)  // 8-bit symbol
            w.write(UInt32(symbol), bits: 8)
        }
        w.write(1, bits: 1); w.write(0, bits: 1); w.write(0, bits: 1); w.write(0, bits: 1)  // distance: symbol 0
        var payload = w.finish()
        let payloadCount = payload.count
        if payloadCount % 2 == 1 { payload.append(0) }
        var out = Array("RIFF".utf8)
        out.appendLE32(UInt32(4 + 8 + payload.count))
        out += Array("WEBPVP8L".utf8)
        out.appendLE32(UInt32(payloadCount))
        return out + payload
    }

    // MARK: SVG

    static func svg(width: Int, height: Int) -> [UInt8] {
        Array("""
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)"><rect width="100%" height="100%" fill="#f38020"/></svg>

            """.utf8)
    }
}

extension [UInt8] {
    mutating func appendBE32(_ v: UInt32) { append(contentsOf: [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]) }
    mutating func appendBE16(_ v: UInt16) { append(contentsOf: [UInt8(v >> 8), UInt8(v & 0xFF)]) }
    mutating func appendLE16(_ v: UInt16) { append(contentsOf: [UInt8(v & 0xFF), UInt8(v >> 8)]) }
    mutating func appendLE32(_ v: UInt32) { append(contentsOf: [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)]) }
}
