import CloudflareImages
import Foundation

/// Reading timestamps in events: ISO-8601 in UTC with milliseconds (`2026-12-04T20:15:02.481Z`).
/// Events write them with `CloudflareDate.format`, which rounds to the nearest millisecond (so a
/// timestamp does not drift on round trips through the idempotency store); this reads that form
/// without Foundation's parser, which is a good deal cheaper.
enum EventTimestamp {
    /// Reads what `CloudflareDate.format` writes (`YYYY-MM-DDTHH:MM:SS.mmmZ`) without Foundation's parser, and
    /// anything else ISO-8601 through `CloudflareDate.parse`.
    static func parse(_ text: String) -> Date? {
        var text = text
        let fast: Date?? = text.withUTF8 { bytes -> Date?? in
            guard bytes.count == 24, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
                  bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"), bytes[19] == UInt8(ascii: "."), bytes[23] == UInt8(ascii: "Z")
            else { return .none }
            func number(_ from: Int, _ count: Int) -> Int64? {
                var value: Int64 = 0
                for i in from..<(from + count) {
                    let byte = bytes[i]
                    guard byte >= 0x30, byte <= 0x39 else { return nil }
                    value = value * 10 + Int64(byte - 0x30)
                }
                return value
            }
            guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
                  let minute = number(14, 2), let second = number(17, 2), let ms = number(20, 3),
                  (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60
            else { return .none }
            let days = daysFromCivil(year: year, month: month, day: day)
            let total = ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + ms
            return .some(Date(timeIntervalSince1970: Double(total) / 1000))
        }
        if case .some(let date) = fast { return date }
        return CloudflareDate.parse(text)
    }

    /// A proleptic Gregorian date to days since 1970-01-01 (Howard Hinnant's algorithm).
    private static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
