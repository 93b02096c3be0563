import ABITestSupport
import Foundation
@testable import HypercallPage

/// Xen's hypercall pages assembled by binutils from the mnemonics of Xen's writers (xen.git
/// RELEASE-4.17.7), an encoding independent of HypercallStub's byte tables:
///   domain.c init_hypercall_page: the page is int3 (`memset(page, 0xcc, PAGE_SIZE)`), then
///   hvm/vmx/vmx.c   entry i: `mov $i,%eax; vmcall; ret`            (__HYPERVISOR_iret: `ud2`)
///   hvm/svm/svm.c   entry i: `mov $i,%eax; vmmcall; ret`           (__HYPERVISOR_iret: `ud2`)
///   pv/hypercall.c  ring 3:  `push %rcx; push %r11; mov $i,%eax; syscall; pop %r11; pop %rcx; ret`
///                            (iret: `push %rcx; push %r11; push %rax; mov $i,%eax; syscall`)
///                   ring 1:  `mov $i,%eax; int $0x82; ret`         (iret: `push %eax; mov $i,%eax; int $0x82`)
/// one entry per 32 bytes. __HYPERVISOR_iret's number comes from the real xen.h (gcc -dM).
enum AssembledPage {
    struct Failure: Error, CustomStringConvertible { let description: String }

    static func instructions(_ flavor: HypercallStubFlavor, entry i: Int, iret: Int) -> [String] {
        switch (flavor, i == iret) {
        case (.vmx, false): return ["mov $\(i), %eax", "vmcall", "ret"]
        case (.svm, false): return ["mov $\(i), %eax", "vmmcall", "ret"]
        case (.vmx, true), (.svm, true): return ["ud2"]
        case (.pv64, false): return ["push %rcx", "push %r11", "mov $\(i), %eax", "syscall", "pop %r11", "pop %rcx", "ret"]
        case (.pv64, true): return ["push %rcx", "push %r11", "push %rax", "mov $\(i), %eax", "syscall"]
        case (.pv32, false): return ["mov $\(i), %eax", "int $0x82", "ret"]
        case (.pv32, true): return ["push %eax", "mov $\(i), %eax", "int $0x82"]
        }
    }

    /// The 4096 bytes `as` and `objcopy` make of the flavor's page.
    static func page(_ flavor: HypercallStubFlavor) throws -> [UInt8] {
        let macros = try HeaderMacros.integers(including: "xen/xen.h", prefix: "__HYPERVISOR_")
        guard let iret = macros["__HYPERVISOR_iret"] else { throw Failure(description: "xen.h has no __HYPERVISOR_iret") }
        // The fill: what `int3` assembles to (domain.c's memset value is int3's opcode).
        let int3 = try assemble([".code64", "int3"])
        guard int3.count == 1, let fill = int3.first else { throw Failure(description: "int3 assembled to \(int3)") }
        var lines = [flavor == .pv32 ? ".code32" : ".code64"]
        for i in 0..<(4096 / 32) {
            lines.append(".org \(i * 32), \(fill)")
            lines += instructions(flavor, entry: i, iret: Int(iret))
        }
        lines.append(".org 4096, \(fill)")
        return try assemble(lines)
    }

    static func assemble(_ lines: [String]) throws -> [UInt8] {
        for tool in ["/usr/bin/as", "/usr/bin/objcopy"] where !FileManager.default.isExecutableFile(atPath: tool) {
            throw Failure(description: "\(tool) is missing: scripts/setup.sh installs binutils")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("xen-page-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = directory.appendingPathComponent("page.s"), object = directory.appendingPathComponent("page.o"),
            binary = directory.appendingPathComponent("page.bin")
        try ((["\t.text"] + lines.map { "\t" + $0 }).joined(separator: "\n") + "\n").write(to: source, atomically: true, encoding: .utf8)
        let assembled = try HeaderProbe.execute("/usr/bin/as", ["--64", "-o", object.path, source.path])
        guard assembled.status == 0 else { throw Failure(description: "as failed:\n\(assembled.output)") }
        let copied = try HeaderProbe.execute("/usr/bin/objcopy", ["-O", "binary", "-j", ".text", object.path, binary.path])
        guard copied.status == 0 else { throw Failure(description: "objcopy failed:\n\(copied.output)") }
        return Array(try Data(contentsOf: binary))
    }
}
