import Foundation
import Testing
@testable import ImagesEmulator

@Suite struct ImageInspectorTests {
    typealias Format = ImageInspector.Format

    @Test(arguments: [(1, 1), (8, 8), (640, 480), (1921, 1079), (12_001, 3)])
    func syntheticImagesReadBack(width: Int, height: Int) {
        let made: [(Format, [UInt8])] = [
            (.png, SyntheticImage.png(width: width, height: height)),
            (.jpeg, SyntheticImage.jpeg(width: width, height: height)),
            (.gif, SyntheticImage.gif(width: width, height: height)),
            (.webp, SyntheticImage.webp(width: width, height: height)),
        ]
        for (format, bytes) in made {
            #expect(ImageInspector.inspect(bytes) == .image(.init(format: format, width: width, height: height)), "\(format)")
        }
        #expect(ImageInspector.inspect(SyntheticImage.svg(width: width, height: height)) == .image(.init(format: .svg, width: nil, height: nil)))
    }

    @Test func heicFromItsSpatialExtents() {
        var bytes: [UInt8] = [0, 0, 0, 24] + Array("ftypheic".utf8) + [0, 0, 0, 0] + Array("mif1heic".utf8)
        bytes += [0, 0, 0, 20] + Array("ispe".utf8) + [0, 0, 0, 0, 0, 0, 0x0F, 0xA0, 0, 0, 0x0B, 0xB8]
        #expect(ImageInspector.inspect(bytes) == .image(.init(format: .heic, width: 4000, height: 3000)))
        let avif: [UInt8] = [0, 0, 0, 20] + Array("ftypavif".utf8) + [0, 0, 0, 0] + Array("mif1".utf8) + [0, 0, 0, 0]
        #expect(ImageInspector.inspect(avif) == .unsupported)
    }

    @Test(arguments: [
        ("<!DOCTYPE html><html><body><svg></svg></body></html>", false),
        ("<html><svg width=\"1\"/></html>", false),
        ("\u{FEFF}<?xml version=\"1.0\"?>\n<!-- c -->\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"x\">\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>", true),
        ("<svg>", true), ("<svgfoo>", false), ("plain text", false), ("{\"json\":true}", false),
    ])
    func svgOnlyWhenTheRootIsSVG(_ text: String, _ isSVG: Bool) {
        let verdict = ImageInspector.inspect(Array(text.utf8))
        #expect((verdict == .image(.init(format: .svg, width: nil, height: nil))) == isSVG)
    }

    @Test func brokenHeadersAreUndecodable() {
        var png = SyntheticImage.png(width: 4, height: 4)
        png[29] ^= 1
        #expect(isUndecodable(png, .png))
        #expect(isUndecodable(Array(SyntheticImage.png(width: 4, height: 4).prefix(20)), .png))
        let jpeg = SyntheticImage.jpeg(width: 16, height: 16)
        #expect(isUndecodable(Array(jpeg.prefix(30)), .jpeg))  // cut before the frame header
        #expect(isUndecodable(Array(SyntheticImage.gif(width: 3, height: 3).prefix(8)), .gif))
        #expect(isUndecodable(Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP9 ".utf8) + [UInt8](repeating: 0, count: 20), .webp))
    }

    @Test(arguments: [[UInt8](), [0x00, 0x01], Array("GIF88a".utf8), Array("%PDF-1.7".utf8), [0x89, 0x50, 0x4E]])
    func unknownBytesAreUnsupported(_ bytes: [UInt8]) {
        #expect(ImageInspector.inspect(bytes) == .unsupported)
    }

    private func isUndecodable(_ bytes: [UInt8], _ format: Format) -> Bool {
        if case .undecodable(let f, _) = ImageInspector.inspect(bytes) { return f == format }
        return false
    }
}
