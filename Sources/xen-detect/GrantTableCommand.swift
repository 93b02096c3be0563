import ArgumentParser
import CPUIDProbe
import PVFoundations
import Rendering
import XenStore
import XenSystem

/// `xen-detect grant-table ...`: grants through /dev/xen/gntalloc and /dev/xen/gntdev.
struct GrantTableCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grant-table",
        abstract: "Grant tables through /dev/xen/gntalloc and /dev/xen/gntdev (root, in a Xen guest).",
        subcommands: [GrantTableSelftest.self]
    )
}

/// `xen-detect grant-table selftest [--json]`.
struct GrantTableSelftest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "selftest",
        abstract: "Prove the grant table from user space (a grant mapped back, or Xen copying between grants); release all.",
        discussion: """
            In a PV guest: grants one page to this domain through /dev/xen/gntalloc, maps that \
            grant through /dev/xen/gntdev, writes through each mapping and reads through the \
            other, then unmaps and deallocates. In an HVM or PVH guest, where mapping one's own \
            grant oopsed Linux 6.1 at process exit, and wherever Xen or the kernel refuses that \
            mapping: grants two pages and has Xen copy bytes from each grant into the other \
            (GNTTABOP_copy through /dev/xen/privcmd), then deallocates both. This domain's id comes \
            from Xen's HVM CPUID leaf, or is 0 when /proc/xen/capabilities says control_d. Exit 0 \
            when both directions worked; 66 a module not loaded, 77 no permission, 3 refused (errno \
            or GNTST_ status by name), 4 the bytes differ, 69 this domain's id unknown, 128+N \
            interrupted.
            """
    )

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    func run() throws {
        let system = LinuxSystem()
        let domain = SelfDomain.resolve(system: system, cpuid: NativeCPUID()) { try? XenStoreClient(system: system) }
        let report = GrantTableSelfTest(system: system, domain: domain, hypercalls: system).run()
        try SelfTestExit.finish(json ? report.json.rendered : report.line, report.failure)
    }
}
