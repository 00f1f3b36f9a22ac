import ArgumentParser
import ShiplogMacroSupport

/// How long delivered mail and webhook deliveries are kept (`--keep-delivered`): a whole number and
/// a unit, `30d`, `12h`, `90m` or `45s`; `0` (or `0d` …) keeps them for ever.
@MemberwiseInit
struct KeepDelivered: ExpressibleByArgument, Sendable, Hashable, CustomStringConvertible {
    /// The period in seconds; 0: for ever.
    var seconds: Int64
    /// As given, for messages.
    var description: String

    /// SPEC §8's default: 30 days.
    static let standard = KeepDelivered(seconds: 30 * 86_400, description: "30d")

    /// The longest period accepted: 100 years, which keeps the arithmetic far from overflow.
    static let longest: Int64 = 36_500 * 86_400

    static let units: [Character: Int64] = ["d": 86_400, "h": 3_600, "m": 60, "s": 1]

    init?(argument: String) {
        if argument == "0" {
            self.init(seconds: 0, description: "0")
            return
        }
        guard let unit = argument.last, let factor = Self.units[unit] else { return nil }
        let number = argument.dropLast()
        guard !number.isEmpty, number.allSatisfy(\.isASCII), number.allSatisfy(\.isNumber), let value = Int64(number),
            value <= Self.longest / factor
        else { return nil }
        self.init(seconds: value * factor, description: argument)
    }

    static var defaultCompletionKind: CompletionKind { .default }

    /// Whether rows are kept for ever (nothing is pruned).
    var forever: Bool { seconds == 0 }

    /// The help text shared by `serve` and `prune`.
    static let help = "A whole number of days, hours, minutes or seconds (30d, 12h, 90m, 45s); at most 36500d."
}
