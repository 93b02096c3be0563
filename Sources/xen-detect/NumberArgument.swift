import ArgumentParser

/// How every numeric argument of the toolkit reads: decimal, or hex after `0x`/`0X`, the same in
/// every command (ArgumentParser's own integer parsing takes decimal only). `abi` values also take
/// a negative decimal (two's complement); MSR numbers are hex with or without `0x` (`MSRNumber`).
enum NumberSyntax {
    /// The value of `text`, or nil when it is not a number or does not fit 64 bits.
    static func unsigned(_ text: String) -> UInt64? {
        if text.hasPrefix("0x") || text.hasPrefix("0X") {
            let digits = text.dropFirst(2)
            return digits.isEmpty || digits.hasPrefix("+") || digits.hasPrefix("-") ? nil : UInt64(digits, radix: 16)
        }
        return text.hasPrefix("+") ? nil : UInt64(text)
    }
}

/// A numeric option or argument of type `T`, read by `NumberSyntax` and range-checked.
struct Number<T: FixedWidthInteger & Sendable>: ExpressibleByArgument, Sendable {
    let value: T
    init(_ value: T) { self.value = value }
    init?(argument: String) {
        guard let raw = NumberSyntax.unsigned(argument), let value = T(exactly: raw) else { return nil }
        self.value = value
    }
    var defaultValueDescription: String { String(value) }
}

/// An MSR number: hex, with or without `0x`, as the Intel SDM and AMD APM write them
/// (`--msr 40000000` and `--msr 0x40000000` are the same MSR).
struct MSRNumber: ExpressibleByArgument, Sendable {
    let value: UInt32
    init?(argument: String) {
        let digits = argument.hasPrefix("0x") || argument.hasPrefix("0X") ? argument.dropFirst(2) : argument[...]
        guard !digits.isEmpty, !digits.hasPrefix("+"), !digits.hasPrefix("-"), let value = UInt32(digits, radix: 16) else {
            return nil
        }
        self.value = value
    }
}
