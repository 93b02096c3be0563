import ArgumentParser
import HypercallPlan
import XenInterface
import XenSystem

/// `xen-detect abi plan`: the hypercall plan the test guest (guest/) executes, laid out by
/// ABI32 or ABI64 (format: docs/test-guest.md).
struct ABIPlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Write a hypercall plan for the freestanding test guest (docs/test-guest.md).",
        discussion: """
            The calls are read-only ones whose structures differ between the ABIs; NAMEs choose some \
            of them (see --list). Buffers are laid out with the chosen ABI's layouts, pointer arguments \
            are relocated by the guest, 64-bit arguments take two registers in the 32-bit ABI.
            """
    )

    @Option(name: .long, help: "The ABI: 32 (i386, served by Xen's compat layer) or 64.")
    var abi: Architecture

    @Option(name: [.short, .long], help: "Write the plan to this file (default: standard output).")
    var output: String?

    @Option(name: .long, help: "The byte every buffer is filled with past its input (0-255).")
    var sentinel: Number<UInt8> = Number(HypercallPlan.defaultSentinel)

    @Flag(name: .long, help: "List the calls, their registers and buffers, instead of writing the plan.")
    var list = false

    @Argument(help: "Calls to include (default: all).")
    var names: [String] = []

    func run() throws {
        let plan = try PlanCatalog.plan(abi, names: names, sentinel: sentinel.value)
        if list {
            print(PlanListing.text(plan), terminator: "")
            return
        }
        let bytes = try plan.encoded()
        if let output {
            try FileOutput.write(bytes, to: output)
        } else {
            try FileOutput.writeStandardOutput(bytes)
        }
    }
}
