import Rendering
import ArgumentParser
import XenInterface
import XenSystem

/// `xen-detect abi decode STRUCT --abi 32|64 HEX [--json]`: field values from bytes.
struct ABIDecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode", abstract: "Decode bytes into a structure's field values in one ABI.")

    @Argument(help: "C struct tag, e.g. vcpu_runstate_info.")
    var structure: String

    @Option(name: .long, help: "32 or 64.")
    var abi: Architecture

    @Argument(help: "Exactly one structure's bytes, in hex.")
    var hex: String

    @Flag(name: .long, help: "Print JSON: {name, abi, values: {dotted field: number, string or list}}.")
    var json = false

    func run() throws {
        let layout = try abi.checkedLayout(try ABIText.structure(structure))
        let bytes = try ABIText.bytes(fromHex: hex)
        let value: StructValue
        do { value = try layout.decodeExactly(bytes) } catch { throw error.command }
        let values = layout.fields.map { field in (field.path, Self.json(field, value.fields[field.path] ?? [])) }
        if json {
            print(JSONValue.object([
                ("name", .string(layout.name)), ("abi", .string(layout.architecture.rawValue)),
                ("values", .object(values)),
            ]).rendered)
            return
        }
        for (path, json) in values { print("\(path) = \(json.compact)") }
    }

    /// A field's JSON: a number (negative for signed types), a string for char arrays (up to
    /// the first NUL), a list for other arrays.
    static func json(_ field: LayoutField, _ elements: [UInt64]) -> JSONValue {
        func number(_ value: UInt64) -> JSONValue {
            field.scalar.isSigned ? .int(Int64(bitPattern: value)) : .uint(value)
        }
        if field.count == nil { return number(elements.first ?? 0) }
        if field.scalar == .char {
            let bytes = elements.prefix { $0 != 0 }.map { UInt8(truncatingIfNeeded: $0) }
            return .string(String(decoding: bytes, as: UTF8.self))
        }
        return .array(elements.map(number))
    }
}
