// fuzz-options: -max_len=64
// Fuzz target: the CPUID leaf decoders (public/arch-x86/cpuid.h for Xen's; KVM's and Hyper-V's
// first leaf) and the hypervisor signature. Every decoder is a total function of the registers;
// the properties check each decoded field against the register bits it comes from.
import CPUIDProbe
import XenSystem

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCPUIDLeaves(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    var input = FuzzBytes(data, size)
    func registers() -> CPUIDRegisters {
        CPUIDRegisters(eax: input.uint32(), ebx: input.uint32(), ecx: input.uint32(), edx: input.uint32())
    }
    let r = registers(), s1 = registers(), s2 = registers()

    // Base+1: version. EAX[31:16] major, EAX[15:0] minor, and back.
    let version = XenVersion(eax: r.eax)
    require(UInt32(version.major) << 16 | UInt32(version.minor) == r.eax, "XenVersion loses bits of \(r.eax)")
    require(version.description == "\(r.eax >> 16).\(r.eax & 0xffff)", "XenVersion text \(version)")
    let other = XenVersion(eax: r.ebx)
    require((version < other) == (r.eax < r.ebx), "XenVersion order disagrees with EAX order")

    // Base+2: hypercall pages and MSR base, every register kept.
    let hypercall = XenHypercallLeaf(r)
    require(hypercall.hypercallPages == r.eax && hypercall.msrBase == r.ebx
            && hypercall.features1.rawValue == r.ecx && hypercall.features2 == r.edx, "XenHypercallLeaf fields")
    require(hypercall.features1.contains(.mmuPTUpdatePreserveAD) == (r.ecx & 1 != 0), "FEAT1 bit 0")

    // Base+3: TSC over three sub-leaves.
    let tsc = XenTSCLeaf(sub0: r, sub1: s1, sub2: s2)
    require(tsc.flags.rawValue == r.eax && tsc.rawMode == r.ebx && tsc.guestKHz == r.ecx && tsc.incarnation == r.edx,
            "XenTSCLeaf sub-leaf 0")
    require((tsc.mode == nil) == (r.ebx > 3), "tsc_mode known iff 0...3, got \(r.ebx) -> \(String(describing: tsc.mode))")
    require(tsc.mode.map { $0.rawValue == r.ebx } ?? true, "tsc_mode value")
    require(UInt32(truncatingIfNeeded: tsc.offset) == s1.eax && UInt32(truncatingIfNeeded: tsc.offset >> 32) == s1.ebx,
            "TSC offset halves")
    require(tsc.mul == s1.ecx && UInt32(bitPattern: tsc.shift) == s1.edx && tsc.hostKHz == s2.eax, "TSC sub-leaves 1-2")

    // Base+4: HVM. The vcpu and domain ids are present iff their flags are, and then hold EBX/ECX.
    let hvm = XenHVMLeaf(r)
    require(hvm.features.rawValue == r.eax, "HVM features")
    require((hvm.vcpuID != nil) == (r.eax & (1 << 3) != 0), "vcpu id present iff XEN_HVM_CPUID_VCPU_ID_PRESENT")
    require((hvm.domainID != nil) == (r.eax & (1 << 4) != 0), "domid present iff XEN_HVM_CPUID_DOMID_PRESENT")
    require(hvm.vcpuID.map { $0 == r.ebx } ?? true, "vcpu id is EBX")
    require(hvm.domainID.map { $0 == r.ecx } ?? true, "domid is ECX")
    let named = XenHVMLeaf.Features.names.reduce(UInt32(0)) { $0 | $1.0.rawValue }
    require(named.nonzeroBitCount == XenHVMLeaf.Features.names.count, "HVM feature names overlap")

    // Base+5: PV.
    let pv = XenPVLeaf(r)
    require(pv.maxSubleaf == r.eax && UInt32(pv.machineAddressWidth) == r.ebx & 0xff, "XenPVLeaf fields")

    // KVM and Hyper-V first leaves.
    let kvm = KVMFeatureLeaf(r)
    require(kvm.features == r.eax && kvm.hints == r.edx, "KVM leaf fields")
    let list = kvm.featureList
    let expected = KVMFeatureLeaf.featureNames.filter { r.eax & (1 << $0.bit) != 0 }.count
    require(list.count == expected && Set(list).count == list.count, "KVM feature list \(list)")
    let hv = HyperVInterfaceLeaf(r)
    require(hv.interfaceID == r.eax, "Hyper-V interface id")
    require((hv.interfaceID == HyperVInterfaceLeaf.hv1) == (hv.text == "Hv#1"), "Hv#1 text iff value")

    // Signature: 12 bytes, EBX/ECX/EDX little-endian, printable text, known vendor iff in the table.
    let range = HypervisorRange(leafBase: hypervisorLeafFirst, registers: r)
    require(range.registers == r, "HypervisorRange.registers does not give back the base leaf")
    let signature = range.signature
    require(signature.bytes.count == 12, "signature length")
    let text = signature.description
    require(text.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7f }, "signature text not printable: \(text)")
    require(text.count <= 48, "signature text longer than 12 escaped bytes")
    let inTable = HypervisorVendor.table.contains { HypervisorSignature(text: $0.signature) == signature }
    require((range.vendor != nil) == inTable, "vendor iff signature in the table")
    if let vendor = range.vendor {
        require(HypervisorVendor.table.contains { $0.vendor == vendor && HypervisorSignature(text: $0.signature) == signature },
                "vendor \(vendor) from another vendor's signature")
    }
    require(range.isXen == (signature == .xen && r.eax >= hypervisorLeafFirst + 2), "isXen is xen-detect's test")
    if let textSignature = HypervisorSignature(text: text), !text.contains("\\") {
        // Printable signatures without trailing NUL ambiguity read back to themselves.
        if signature.bytes.lastIndex(where: { $0 != 0 }).map({ signature.bytes[..<$0].allSatisfy { $0 != 0 } }) ?? true {
            require(textSignature == signature, "signature text \(text) does not read back")
        }
    }
    return 0
}
