/// CRC-32 (ISO-HDLC, as PNG uses it), table-driven.
enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum(_ bytes: ArraySlice<UInt8>, initial: UInt32 = 0) -> UInt32 {
        var c = ~initial
        table.withUnsafeBufferPointer { t in
            bytes.withUnsafeBufferPointer { b in
                // Raw pointers: this runs over 10 MB for the origin's large image, in debug builds too.
                guard var p = b.baseAddress else { return }
                let end = p + b.count
                while p < end {
                    c = t[Int((c ^ UInt32(p.pointee)) & 0xFF)] ^ (c >> 8)
                    p += 1
                }
            }
        }
        return ~c
    }
}

/// Writes bits least-significant first, as deflate, GIF's LZW and WebP lossless pack them.
struct LSBBitWriter {
    private(set) var bytes: [UInt8] = []
    private var current: UInt32 = 0
    private var count: Int = 0

    mutating func write(_ value: UInt32, bits: Int) {
        var value = value, bits = bits
        while bits > 0 {
            let take = min(bits, 8 - count)
            current |= (value & ((1 << take) - 1)) << count
            count += take
            value >>= take
            bits -= take
            if count == 8 {
                bytes.append(UInt8(current))
                current = 0
                count = 0
            }
        }
    }

    /// A Huffman code, whose bits go most-significant first.
    mutating func writeHuffman(_ code: UInt32, length: Int) {
        var reversed: UInt32 = 0
        for i in 0..<length { reversed |= ((code >> i) & 1) << (length - 1 - i) }
        write(reversed, bits: length)
    }

    /// Pads the last byte with zeros.
    mutating func finish() -> [UInt8] {
        if count > 0 { bytes.append(UInt8(current)); current = 0; count = 0 }
        return bytes
    }
}
