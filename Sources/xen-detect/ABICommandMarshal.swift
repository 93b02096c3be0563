import Rendering
import ABI32
import ABI64
import ArgumentParser
import XenInterface
import XenSystem

/// `xen-detect abi marshal HYPERCALL ARG... --abi 32|64`: the registers a guest loads.
struct ABIMarshalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "marshal",
        abstract: "Print the registers for a hypercall (64-bit arguments split over two registers on x86_32).")

    @Argument(help: "Hypercall name (update_va_mapping) or number.")
    var hypercall: String

    @Argument(help: "Arguments: decimal, 0x hex, negative decimal, or the hypercall's sub-op name (XENVER_version).")
    var arguments: [String] = []

    @Option(name: .long, help: "32 or 64.")
    var abi: Architecture

    @Flag(name: .long, help: "Print JSON: {hypercall, number, abi, registers: {name: value}}.")
    var json = false

    func run() throws {
        guard let signature = HypercallSignature.named(hypercall) else {
            throw ABICommandError(.usage, "unknown hypercall '\(hypercall)' (see: xen-detect abi list)")
        }
        var values: [UInt64] = []
        let subOps = XenConstantGroup.subOps(of: signature.name)
        for argument in arguments {
            // A sub-op may be named as in its header (XENMEM_memory_map, or memory_map).
            if let value = subOps?.value(argument) { values.append(UInt64(value)); continue }
            values.append(try ABIText.number(argument))
        }
        let registers: [RegisterValue]
        do {
            registers = abi == .x86_32 ? try Registers32.marshal(signature, values)
                                       : try Registers64.marshal(signature, values)
        } catch {
            throw error.command
        }
        if json {
            print(JSONValue.object([
                ("hypercall", .string(signature.name)), ("number", .number(signature.number)),
                ("abi", .string(abi.rawValue)),
                ("registers", .object(registers.map { ($0.register, .number($0.value)) })),
            ]).rendered)
            return
        }
        for register in registers {
            print("\(register.register) = \(ABIText.hex(register.value))")
        }
    }
}
