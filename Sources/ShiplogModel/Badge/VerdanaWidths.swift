/// Advance widths of Verdana at 11px, in tenths of a pixel, for the printable ASCII characters
/// (U+0020 … U+007E), the font and size shields.io draws its badges with.
///
/// The numbers are the ASCII part of badgen's `widths-verdana-110.json`
/// (https://github.com/badgen/badgen, `src/widths-verdana-110.json`, MIT licence), measured from
/// Verdana's own metrics at `font-size: 110` (11px × 10).
enum VerdanaWidths {
    /// `table[c - 32]` is the width of the character with code `c`.
    static let table: [UInt8] = [
        39, 43, 50, 90, 70, 120, 80, 30, 50, 50, 70, 90, 40, 50, 40, 50,  //  !"#$%&'()*+,-./
        70, 70, 70, 70, 70, 70, 70, 70, 70, 70, 50, 50, 90, 90, 90, 60,  // 0123456789:;<=>?
        110, 75, 75, 77, 85, 70, 63, 85, 83, 46, 50, 76, 61, 93, 82, 87,  // @ABCDEFGHIJKLMNO
        66, 87, 76, 75, 68, 81, 75, 110, 75, 68, 75, 50, 50, 50, 90, 70,  // PQRSTUVWXYZ[\]^_
        70, 66, 69, 57, 69, 66, 39, 69, 70, 30, 38, 65, 30, 110, 70, 67,  // `abcdefghijklmno
        69, 69, 47, 57, 43, 70, 65, 90, 65, 65, 58, 70, 50, 70, 90,  // pqrstuvwxyz{|}~
    ]

    /// The width given to any other character: that of `@`, the widest common glyph, so text
    /// outside ASCII never overflows its box (a CJK ideograph is about this wide at 11px).
    static let fallback = 110

    /// The width of `text` in tenths of a pixel: the sum of its characters' advances. A character
    /// outside printable ASCII (one grapheme, however many scalars) counts as ``fallback``;
    /// control characters count as nothing.
    static func width(of text: String) -> Int {
        var total = 0
        for character in text {
            let scalars = character.unicodeScalars
            guard scalars.count == 1, let code = scalars.first.map({ Int($0.value) }), code < 127 else {
                total += fallback
                continue
            }
            total += code >= 32 ? Int(table[code - 32]) : 0
        }
        return total
    }
}
