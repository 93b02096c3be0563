import Foundation

/// An independent reading of the machine the tests run on: Debian's `cpuid` tool (raw leaves),
/// /proc/cpuinfo, /sys/hypervisor and Debian's xen-detect. CLI tests of the live machine expect
/// what these say, not what the development machine (a KVM guest) happens to be, so they hold on
/// bare metal, a Hyper-V runner or a Xen guest, and still fail when our binary reads it wrong.
/// Nothing here uses the package's own code: the dump is parsed by its own pattern.
enum Machine {
    struct Failure: Error, CustomStringConvertible { let description: String }

    struct Key: Hashable { let leaf: UInt32; let subleaf: UInt32 }
    struct Registers: Equatable { let eax, ebx, ecx, edx: UInt32 }

    /// A hypervisor range as plain CPUID shows it: a 0x100 boundary whose EAX (its max leaf)
    /// lies in [base, base+0xFF], as Xen (public/arch-x86/cpuid.h) and Hyper-V (TLFS) define it.
    struct Range: Equatable, CustomStringConvertible {
        let leafBase: UInt32
        let maxLeaf: UInt32
        /// EBX, ECX, EDX as text, up to the first NUL.
        let signature: String
        var description: String { "\(signature)@0x\(String(leafBase, radix: 16)) max 0x\(String(maxLeaf, radix: 16))" }
    }

    /// Debian's cpuid tool (package cpuid; scripts/setup.sh installs it).
    static let cpuidTool = "/usr/bin/cpuid"
    /// Debian's xen-detect (package xen-utils-common; scripts/setup.sh installs it).
    static let xenDetectTool = "/usr/bin/xen-detect"

    /// `cpuid -r -1`: every leaf the tool reads on one CPU, hypervisor ranges included.
    static func rawLeaves() throws -> [Key: Registers] {
        guard FileManager.default.isExecutableFile(atPath: cpuidTool) else {
            throw Failure(description: "\(cpuidTool) is missing: scripts/setup.sh installs Debian's cpuid")
        }
        let out = try Binary.run(["-r", "-1"], executable: URL(fileURLWithPath: cpuidTool))
        guard out.status == 0 else { throw Failure(description: "cpuid -r -1 exited \(out.status): \(out.stderr)") }
        return try parse(dump: out.stdout)
    }

    /// `   0x40000000 0x00: eax=0x40000001 ebx=0x4b4d564b ecx=0x564b4d56 edx=0x0000004d`
    static func parse(dump: String) throws -> [Key: Registers] {
        let line = /^\s*0x([0-9a-f]{8}) 0x([0-9a-f]{2}): eax=0x([0-9a-f]{8}) ebx=0x([0-9a-f]{8}) ecx=0x([0-9a-f]{8}) edx=0x([0-9a-f]{8})$/
        var leaves: [Key: Registers] = [:]
        for text in dump.split(separator: "\n") {
            guard let m = try line.wholeMatch(in: String(text)) else { continue }
            func h(_ s: Substring) -> UInt32 { UInt32(s, radix: 16)! }
            leaves[Key(leaf: h(m.output.1), subleaf: h(m.output.2))] =
                Registers(eax: h(m.output.3), ebx: h(m.output.4), ecx: h(m.output.5), edx: h(m.output.6))
        }
        guard !leaves.isEmpty else { throw Failure(description: "cpuid -r printed no leaf") }
        return leaves
    }

    /// CPUID.1:ECX[31], the hypervisor-present bit, as the tool read it.
    static func hypervisorBit(_ leaves: [Key: Registers]) -> Bool? {
        leaves[Key(leaf: 1, subleaf: 0)].map { $0.ecx & 0x8000_0000 != 0 }
    }

    /// The hypervisor ranges in leaf order, up to the first unused boundary; none without the
    /// hypervisor bit.
    static func ranges(_ leaves: [Key: Registers]) -> [Range] {
        guard hypervisorBit(leaves) == true else { return [] }
        var result: [Range] = []
        var base: UInt32 = 0x4000_0000
        while let r = leaves[Key(leaf: base, subleaf: 0)], r.eax >= base, r.eax - base <= 0xff {
            let bytes = [r.ebx, r.ecx, r.edx].flatMap { w in (0..<4).map { UInt8(truncatingIfNeeded: w >> (8 * $0)) } }
            result.append(Range(leafBase: base, maxLeaf: r.eax,
                                signature: String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)))
            guard base < 0x4000_ff00 else { break }
            base += 0x100
        }
        return result
    }

    /// /proc/cpuinfo's `hypervisor` flag (the kernel's X86_FEATURE_HYPERVISOR).
    static func cpuinfoHypervisorFlag() throws -> Bool {
        let text = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        guard let flags = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else {
            throw Failure(description: "/proc/cpuinfo has no flags line")
        }
        return flags.split(separator: " ").contains("hypervisor")
    }

    /// What Debian's xen-detect prints here ("Not running on Xen." or "Running in PV context on Xen V4.17.").
    static func xenDetectLine() throws -> String {
        guard FileManager.default.isExecutableFile(atPath: xenDetectTool) else {
            throw Failure(description: "\(xenDetectTool) is missing: scripts/setup.sh installs xen-utils-common")
        }
        return try Binary.run([], executable: URL(fileURLWithPath: xenDetectTool)).stdout
            .trimmingCharacters(in: .newlines)
    }

    /// The context Xen's tool names ("PV", "HVM", "PVH"), nil when it finds no Xen.
    static func xenContext() throws -> String? {
        let line = try xenDetectLine()
        guard let m = try /^Running in (\w+) context on Xen V\d+\.\d+\.$/.wholeMatch(in: line) else {
            guard line == "Not running on Xen." else { throw Failure(description: "xen-detect said '\(line)'") }
            return nil
        }
        return String(m.output.1)
    }

    /// True when Xen's own tool or the kernel's /sys/hypervisor says this is a Xen guest.
    static func isXenGuest() throws -> Bool {
        let type = try? String(contentsOfFile: "/sys/hypervisor/type", encoding: .utf8)
        return try xenContext() != nil || type?.trimmingCharacters(in: .whitespacesAndNewlines) == "xen"
    }
}
