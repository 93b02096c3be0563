import Rendering
import ArgumentParser
import HypercallPage
import XenInterface
import HypercallPageInstall
import PrivcmdHypercalls
import XenSystem

/// `xen-detect hypercall-page show|install|verify`.
struct HypercallPageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hypercall-page",
        abstract: "Show, install (through the MSR CPUID names) and verify Xen's hypercall page.",
        subcommands: [HypercallPageShow.self, HypercallPageInstall.self, HypercallPageVerify.self]
    )
}

extension HypercallStubFlavor: ExpressibleByArgument {}

/// `show`: what detection says about the page, and the entries Xen writes for a flavor.
struct HypercallPageShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "The hypercall MSR and the page Xen writes (for this guest, or for --flavor)."
    )

    @Option(name: .long, help: "Show this flavor's page (vmx, svm, pv64, pv32) instead of this guest's.")
    var flavor: HypercallStubFlavor?

    @Option(name: .long, help: "The CPU whose MSR device an install would use.")
    var cpu: Number<Int> = Number(0)

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    func run() throws {
        var members: [(String, JSONValue)] = []
        var lines: [String] = []
        var shown = flavor
        if flavor == nil {
            let target = try HypercallTarget.detect(system: LinuxSystem())
            guard target.xenDetected else {
                throw HypercallPageError(.unavailable, "Xen not detected: no hypercall page (use --flavor to show one)")
            }
            shown = target.expectedFlavor
            members += [
                ("xenDetected", .bool(true)),
                ("context", target.context.map { .string($0.rawValue) } ?? .null),
                ("leafBase", .uint(UInt64(target.leafBase))),
                ("msr", .uint(UInt64(target.hypercallMSR))),
                ("msrDevice", .string("/dev/cpu/\(cpu.value)/msr")),
            ]
            lines += [
                "Xen leaves at 0x\(String(target.leafBase, radix: 16)), context \(target.context?.rawValue ?? "unknown")",
                "hypercall MSR 0x\(String(target.hypercallMSR, radix: 16)) (leaf 0x\(String(target.leafBase + 2, radix: 16)) EBX), written through /dev/cpu/\(cpu.value)/msr",
            ]
        }
        members.append(("flavor", shown.map { .string($0.rawValue) } ?? .null))
        lines.append("page flavor: \(shown?.rawValue ?? "unknown")")
        if let shown {
            var entries: [JSONValue] = []
            for i in 0..<HypercallStub.entryCount {
                let code = HypercallStub.code(shown, index: i)
                entries.append(.object([("index", .int(Int64(i))), ("code", .string(hexString(code)))]))
                lines.append("entry \(pad(i)) \(code.map { hexString([$0]) }.joined(separator: " "))")
            }
            members.append(("entries", .array(entries)))
            lines.append("rest of each 32-byte entry: int3 (cc)")
        }
        print(json ? JSONValue.object(members).rendered : lines.joined(separator: "\n"))
    }
}

/// `install`: writes the hypercall MSR, reads the page back, verifies it, calls an entry.
struct HypercallPageInstall: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Install the hypercall page from user space (root, HVM or PVH; needs --yes-write-msr).",
        discussion: """
            Maps a page of /dev/xen/hypercall (a kernel page whose frame cannot move; refused without \
            it), fills it with a canary, finds its guest frame in /proc/self/pagemap, writes gfn << 12 to \
            the MSR named by CPUID leaf base+2 EBX through /dev/cpu/N/msr (msr driver), reads the frame \
            again and the page back, verifies it, then calls a copy of its xen_version entry from user \
            mode (Xen answers -EPERM from CPL 3). Refused, with nothing written, without Xen, in a PV \
            guest, for another MSR or a page index other than 0, for an unknown CPU, when the page size \
            is not 4096, and without --yes-write-msr. The msr driver logs every write to the kernel log \
            and taints the kernel (TAINT_CPU_OUT_OF_SPEC, 'S' in /proc/sys/kernel/tainted) until the \
            next boot; a locked-down kernel refuses the write (EPERM), reported as lockdown.

            """
    )

    @Flag(name: .customLong("yes-write-msr"), help: "Allow the MSR write (it changes hypervisor state and taints the kernel).")
    var yesWriteMSR = false

    @Option(name: .long, help: "The CPU whose /dev/cpu/N/msr takes the write.")
    var cpu: Number<Int> = Number(0)

    @Option(name: .long, help: "The MSR to write, in hex (0x optional); only the one CPUID names is accepted.")
    var msr: MSRNumber?

    @Option(name: .customLong("page-index"), help: "The page index in the MSR value; only 0 is accepted.")
    var pageIndex: Number<UInt64> = Number(0)

    @Flag(name: .customLong("no-call"), help: "Do not call an entry of the installed page.")
    var noCall = false

    @Flag(name: .customLong("show-page"), help: "Print the page read back: \"page\" (hex) in JSON, else one hex line per entry.")
    var showPage = false

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    func run() throws {
        let requestedMSR = msr?.value
        let system = LinuxSystem()
        let installer = HypercallPageInstaller(system: system)
        let target = try HypercallTarget.detect(system: system)
        let request = InstallRequest(cpu: cpu.value, msr: requestedMSR, pageIndex: pageIndex.value, writeEnabled: yesWriteMSR)
        let page = try installer.install(target, request)
        defer { installer.release(page) }
        var call: UserModeCall? = nil
        if !noCall && page.verified {
            call = try installer.callFromUserMode(page, hypercall: .xen_version,
                                                  arguments: [UInt64(XenVersionOp.version.number), 0])
        }
        print(json ? page.json(call: call, includePage: showPage).rendered
                   : page.lines(call: call, includePage: showPage).joined(separator: "\n"))
        if !page.verified { throw ExitCode(ExitStatus.mismatch.rawValue) }
    }
}

/// `verify`: decodes a page saved in a file.
struct HypercallPageVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Decode and verify a hypercall page from a file (4096 bytes, raw or as hex text); install verifies the page it installs."
    )

    @Option(name: .long, help: "The file holding the page.")
    var file: String

    @Option(name: .long, help: "The flavor the page must have (vmx, svm, pv64, pv32).")
    var flavor: HypercallStubFlavor?

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    func run() throws {
        // A page is 4096 bytes, 8192 hex digits; a file far larger is not a page dump.
        let content: [UInt8]
        do { content = try LinuxSystem().readWholeFile(file, limit: 64 * 1024) } catch {
            throw HypercallPageError(error.kind, error.description, errno: error.errno)
        }
        guard let bytes = HypercallPageDecoder.pageBytes(fromFile: content) else {
            throw HypercallPageError(.badInput, "\(file): odd number of hex digits")
        }
        let report = HypercallPageDecoder.decode(bytes)
        let verified = report.isWellFormed && (flavor == nil || report.flavor == flavor)
        if json {
            print(report.json(verified: verified).rendered)
        } else {
            print(([file + ": " + report.summary(verified: verified, expected: flavor)]
                   + report.anomalyLines(limit: 16)).joined(separator: "\n"))
        }
        if !verified { throw ExitCode(ExitStatus.mismatch.rawValue) }
    }
}

private func pad(_ i: Int) -> String {
    let s = String(i)
    return String(repeating: " ", count: max(0, 3 - s.count)) + s
}
