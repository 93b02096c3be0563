import ABI32
import ABI64
import ArgumentParser
import HypercallPlan
import XenCompat
import XenInterface
import XenSystem

/// `xen-detect abi`: Xen's structures and hypercall registers in the x86_32 and x86_64 ABIs,
/// and the compat translation between them. Pure computation: no Xen needed.
struct ABICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "abi",
        abstract: "Lay out, encode, decode and translate Xen structures; marshal hypercall registers.",
        subcommands: [
            ABIListCommand.self, ABICoverageCommand.self, ABILayoutCommand.self, ABIMarshalCommand.self, ABITranslateCommand.self,
            ABIDecodeCommand.self, ABIEncodeCommand.self, ABIPlanCommand.self, ABIGuestCheckCommand.self, ABIPVGuestCheckCommand.self,
        ])
}

/// `--abi 32|64` (also `x86_32`, `x86_64`, `i386`, `amd64`).
extension Architecture: ExpressibleByArgument {
    public init?(argument: String) {
        switch argument {
        case "32", "x86_32", "i386": self = .x86_32
        case "64", "x86_64", "amd64": self = .x86_64
        default: return nil
        }
    }

    public static var allValueStrings: [String] { allCases.map { String($0.bits) } }
    public var defaultValueDescription: String { String(bits) }

    /// The layout of `description` in this ABI, or a usage error when the ABI does not define it.
    func checkedLayout(_ description: StructDescription) throws(ABICommandError) -> StructLayout {
        guard description.architectures.contains(self) else {
            throw ABICommandError(.usage, "\(description.name) is not defined in the \(rawValue) ABI")
        }
        return layout(description)
    }
}

/// A failure of an `abi` subcommand: one line, with the kind that picks the exit status.
struct ABICommandError: ClassifiedError {
    let kind: FailureKind
    let description: String
    init(_ kind: FailureKind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}

enum ABIText {
    static func structure(_ name: String) throws(ABICommandError) -> StructDescription {
        guard let description = Catalog.structure(name) else {
            throw ABICommandError(.usage, "unknown structure '\(name)' (see: xen-detect abi list)")
        }
        return description
    }

    /// Bytes from hex text: optional 0x prefix, spaces, colons and dashes allowed between bytes.
    static func bytes(fromHex text: String) throws(ABICommandError) -> [UInt8] {
        var digits = Array(text.utf8.filter { $0 != 0x20 && $0 != 0x3a && $0 != 0x2d && $0 != 0x0a && $0 != 0x09 })
        if digits.count >= 2 && digits[0] == 0x30 && (digits[1] == 0x78 || digits[1] == 0x58) {
            digits.removeFirst(2)
        }
        guard digits.count % 2 == 0 else {
            throw ABICommandError(.badInput, "hex input has an odd number of digits (\(digits.count))")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else {
                // Name the digit that is wrong, not the first of its pair.
                let bad = nibble(digits[index]) == nil ? index : index + 1
                throw ABICommandError(.badInput, "hex input has a non-hex character at digit \(bad + 1)")
            }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x61...0x66: return c - 0x61 + 10
        case 0x41...0x46: return c - 0x41 + 10
        default: return nil
        }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A number argument: decimal, 0x hex, or negative decimal (two's complement in 64 bits).
    static func number(_ text: String) throws(ABICommandError) -> UInt64 {
        let value = text.hasPrefix("-") ? Int64(text).map { UInt64(bitPattern: $0) } : NumberSyntax.unsigned(text)
        guard let value else { throw ABICommandError(.usage, "not a number: '\(text)'") }
        return value
    }

    static func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }
}

extension ABIError {
    /// The CLI's form of a library error (same kind, same line).
    var command: ABICommandError { ABICommandError(kind, description) }
}
