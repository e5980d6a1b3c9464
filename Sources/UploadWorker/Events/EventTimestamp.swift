import CloudflareImages
import Foundation

/// Timestamps in events: ISO-8601 in UTC with milliseconds (`2026-12-04T20:15:02.481Z`), the form
/// `CloudflareDate` parses. Written here rather than with `CloudflareDate.format` because
/// Foundation's ISO8601FormatStyle truncates instead of rounding: a date parsed from `.481Z`
/// (stored as 0.48099...) would come out as `.480Z`, and drift by a millisecond on every round
/// trip through the idempotency store. This formatter rounds to the nearest millisecond and is
/// also a good deal cheaper.
enum EventTimestamp {
    static func format(_ date: Date) -> String {
        let totalMilliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let (days, msOfDay) = floorDivide(totalMilliseconds, 86_400_000)
        let (year, month, day) = civil(fromDays: days)
        let hour = msOfDay / 3_600_000
        let minute = msOfDay / 60_000 % 60
        let second = msOfDay / 1000 % 60
        let millisecond = msOfDay % 1000

        var out = [UInt8]()
        out.reserveCapacity(24)
        func digits(_ value: Int64, _ count: Int) {
            var divisor: Int64 = 1
            for _ in 1..<count { divisor *= 10 }
            var v = value
            while divisor > 0 {
                out.append(UInt8(ascii: "0") + UInt8(v / divisor))
                v %= divisor
                divisor /= 10
            }
        }
        digits(year, 4); out.append(UInt8(ascii: "-"))
        digits(month, 2); out.append(UInt8(ascii: "-"))
        digits(day, 2); out.append(UInt8(ascii: "T"))
        digits(hour, 2); out.append(UInt8(ascii: ":"))
        digits(minute, 2); out.append(UInt8(ascii: ":"))
        digits(second, 2); out.append(UInt8(ascii: "."))
        digits(millisecond, 3); out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }

    /// Reads what `format` writes (`YYYY-MM-DDTHH:MM:SS.mmmZ`) without Foundation's parser, and
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

    private static func floorDivide(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
        let q = a >= 0 ? a / b : (a - b + 1) / b
        return (q, a - q * b)
    }

    /// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
    /// Years outside 0...9999 are clamped: they cannot be written in four digits.
    private static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        if year < 0 { return (0, 1, 1) }
        if year > 9999 { return (9999, 12, 31) }
        return (year, month, day)
    }
}
