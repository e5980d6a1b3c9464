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
