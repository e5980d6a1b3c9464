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
