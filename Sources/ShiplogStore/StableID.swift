import Foundation

/// The ids the store gives releases and deployments (SPEC §1): UUIDv7 (RFC 9562) as lower-case
/// text, `0190f3c2-7a1b-7c3d-9e4f-0a1b2c3d4e5f`. The first 48 bits are the time in milliseconds,
/// so ids sort roughly by creation; 74 random bits make two ids of one millisecond differ.
enum StableID {
    /// A new id for the current time.
    static func make() -> String {
        make(milliseconds: UInt64(max(0, Date().timeIntervalSince1970 * 1000)))
    }

    /// A new id for `milliseconds` since the Unix epoch.
    static func make(milliseconds: UInt64) -> String {
        var generator = SystemRandomNumberGenerator()
        return make(milliseconds: milliseconds, random: (generator.next(), generator.next()))
    }

    /// The id of `milliseconds` with the random bits taken from `random`.
    static func make(milliseconds: UInt64, random: (UInt64, UInt64)) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> UInt64(8 * (5 - index))) }
        for index in 6..<16 {
            let word = index < 14 ? random.0 : random.1
            bytes[index] = UInt8(truncatingIfNeeded: word >> UInt64(8 * (index % 8)))
        }
        bytes[6] = 0x70 | (bytes[6] & 0x0F)  // version 7
        bytes[8] = 0x80 | (bytes[8] & 0x3F)  // variant 10
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
