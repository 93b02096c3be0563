import Rendering
import ArgumentParser
import XenInterface
import XenSystem

/// `xen-detect abi layout STRUCT --abi 32|64 [--json]`.
struct ABILayoutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "layout", abstract: "Print a structure's size, alignment and member offsets in one ABI.")

    @Argument(help: "C struct tag, e.g. xen_memory_reservation, mmuext_op.")
    var structure: String

    @Option(name: .long, help: "32 or 64.")
    var abi: Architecture

    @Flag(name: .long, help: "Print JSON: {name, abi, size, align, fields: [{name, offset, size}]}.")
    var json = false

    func run() throws {
        let layout = try abi.checkedLayout(try ABIText.structure(structure))
        if json {
            print(Self.json(layout).rendered)
            return
        }
        print("\(layout.name) (\(layout.architecture.rawValue)): size \(layout.size), align \(layout.alignment)")
        for field in layout.fields {
            let count = field.count.map { "[\($0)]" } ?? ""
            print("  \(field.offset)\t\(field.size)\t\(field.scalar.rawValue)\(count)\t\(field.path)")
        }
    }

    static func json(_ layout: StructLayout) -> JSONValue {
        .object([
            ("name", .string(layout.name)), ("abi", .string(layout.architecture.rawValue)),
            ("size", .number(layout.size)), ("align", .number(layout.alignment)),
            ("fields", .array(layout.fields.map {
                .object([("name", .string($0.path)), ("offset", .number($0.offset)), ("size", .number($0.size))])
            })),
        ])
    }
}
