import Foundation
import Testing
@testable import ImagesEmulator

/// The generated files are valid beyond their headers: the PNG's zlib stream inflates (checked
/// by Python's zlib) to one filter byte plus one index per pixel, and the GIF's LZW stream
/// decodes to exactly width x height pixels.
@Suite struct SyntheticImageTests {
    @Test(arguments: [(1, 1), (300, 200), (12_001, 10)])
    func pngInflatesToTheRightSize(width: Int, height: Int) throws {
        for stored in [false, true] {
            let png = SyntheticImage.png(width: width, height: height, stored: stored)
            let inflated = try inflatedIDATCount(png)
            #expect(inflated == height * (width + 1))
        }
    }

    @Test func largeIsOverTenMegabytes() async throws {
        let origin = BuiltInOrigin(user: "u", password: "p")
        guard case .response(let r) = await origin.serve(path: "/origin/large.png", query: nil, authorization: nil) else {
            Issue.record("no answer")
            return
        }
        #expect(r.body.count > 10 * 1024 * 1024)
        #expect(ImageInspector.inspect(r.body) == .image(.init(format: .png, width: 3200, height: 3400)))
    }

    @Test(arguments: [(1, 1), (7, 3), (640, 480), (3000, 3000)])
    func gifDecodesToEveryPixel(width: Int, height: Int) throws {
        let gif = SyntheticImage.gif(width: width, height: height)
        #expect(try GIFTestDecoder.pixelCount(gif) == width * height)
    }

    @Test(arguments: [1, 2, 7])
    func gifFramesAreCounted(_ frames: Int) throws {
        let gif = SyntheticImage.gif(width: 40, height: 30, frames: frames)
        #expect(ImageInspector.inspect(gif) == .image(.init(format: .gif, width: 40, height: 30, frames: frames)))
        #expect(try GIFTestDecoder.pixelCount(gif) == 40 * 30)  // the first frame decodes whole
    }

    /// Runs python3 (stdlib only) to walk the chunks, check every CRC and inflate the IDAT data.
    private func inflatedIDATCount(_ png: [UInt8]) throws -> Int {
        let script = """
            import sys, zlib, struct
            b = sys.stdin.buffer.read(); i = 8; idat = b''
            while i < len(b):
                n, = struct.unpack('>I', b[i:i+4]); t = b[i+4:i+8]; d = b[i+8:i+8+n]
                crc, = struct.unpack('>I', b[i+8+n:i+12+n])
                assert zlib.crc32(t + d) == crc, t
                if t == b'IDAT': idat += d
                i += 12 + n
            print(len(zlib.decompress(idat)))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [ProcessInfo.processInfo.environment["UPLOAD_WORKER_PYTHON"] ?? "python3", "-c", script]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let writer = Thread { input.fileHandleForWriting.write(Data(png)); try? input.fileHandleForWriting.close() }
        writer.start()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return Int(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }
}

/// A plain GIF LZW decoder (variable code width, clear and end codes), counting pixels.
enum GIFTestDecoder {
    struct Failure: Error {}

    static func pixelCount(_ gif: [UInt8]) throws -> Int {
        // Header (6) + screen descriptor (7) + 2-entry colour table (6), extensions, then the
        // first image descriptor (10).
        var i = 6 + 7 + 6
        while gif[i] == 0x21 {
            i += 2
            while gif[i] != 0 { i += Int(gif[i]) + 1 }
            i += 1
        }
        guard gif[i] == 0x2C else { throw Failure() }
        i += 10
        let minCodeSize = Int(gif[i]); i += 1
        var data: [UInt8] = []
        while gif[i] != 0 {
            let n = Int(gif[i])
            data += gif[(i + 1)...(i + n)]
            i += n + 1
        }
        guard [0x3B, 0x21, 0x2C].contains(gif[i + 1]) else { throw Failure() }
        let clear = 1 << minCodeSize, end = clear + 1
        var lengths: [Int] = []  // string length per code
        func resetTable() { lengths = Array(repeating: 1, count: clear + 2) }
        resetTable()
        var width = minCodeSize + 1
        var bitPos = 0
        var previous: Int?
        var pixels = 0
        func read() -> Int? {
            guard bitPos + width <= data.count * 8 else { return nil }
            var v = 0
            for k in 0..<width where data[(bitPos + k) / 8] >> ((bitPos + k) % 8) & 1 == 1 { v |= 1 << k }
            bitPos += width
            return v
        }
        while let code = read() {
            if code == clear { resetTable(); width = minCodeSize + 1; previous = nil; continue }
            if code == end { return pixels }
            guard code <= lengths.count else { throw Failure() }
            let length = code < lengths.count ? lengths[code] : lengths[previous!] + 1
            if let previous, lengths.count < 4096 { lengths.append(lengths[previous] + 1) }
            if lengths.count == 1 << width, width < 12 { width += 1 }
            pixels += length
            previous = code
        }
        throw Failure()
    }
}
