import ArgumentParser
import XenInterface
import XenSystem

/// `xen-detect abi encode STRUCT --abi 32|64 FIELD=VALUE...`: bytes from field values (the
/// inverse of `abi decode`); fields not named are zero.
struct ABIEncodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode", abstract: "Encode field values into a structure's bytes (hex) in one ABI.")

    @Argument(help: "C struct tag, e.g. xen_memory_reservation.")
    var structure: String

    @Option(name: .long, help: "32 or 64.")
    var abi: Architecture

    @Argument(help: "FIELD=VALUE: dotted field names as `abi layout` prints them; numbers (decimal, 0x hex, negative: two's complement at the field's width), comma-separated lists for arrays, text for char arrays.")
    var assignments: [String] = []

    func run() throws {
        let layout = try abi.checkedLayout(try ABIText.structure(structure))
        var value = StructValue()
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "=") else {
                throw ABICommandError(.usage, "expected FIELD=VALUE, got '\(assignment)'")
            }
            let path = String(assignment[..<equals])
            let text = String(assignment[assignment.index(after: equals)...])
            guard let field = layout.field(path) else {
                throw ABIError.unknownField(structure: layout.name, field: path).command
            }
            if field.scalar == .char && field.count != nil {
                value.fields[path] = text.utf8.map { UInt64($0) }
            } else {
                var elements: [UInt64] = []
                for item in text.split(separator: ",", omittingEmptySubsequences: false) {
                    elements.append(Self.twosComplement(try ABIText.number(String(item)), field))
                }
                value.fields[path] = elements
            }
        }
        do { print(ABIText.hex(try layout.encode(value))) } catch { throw error.command }
    }

    /// A negative number for an unsigned field narrower than 64 bits is its two's complement at
    /// that width when it fits as signed (result=-22 in a 32-bit multicall entry is 0xffffffea).
    static func twosComplement(_ value: UInt64, _ field: LayoutField) -> UInt64 {
        let signed = Int64(bitPattern: value)
        let bits = field.elementSize * 8
        guard signed < 0, !field.scalar.isSigned, bits < 64, signed >= -(Int64(1) << Int64(bits - 1)) else {
            return value
        }
        return value & ((UInt64(1) << UInt64(bits)) - 1)
    }
}
