import ABITestSupport
import Testing
import XenSystem
@testable import XenInterface

/// A data model for tests that lays out like x86_64 (so XenInterface is tested without ABI64).
struct NaturalModel: DataModel {
    var architecture: Architecture { .x86_64 }
    func size(of scalar: ScalarType) -> Int {
        switch scalar {
        case .char, .uint8, .int8: return 1
        case .uint16, .int16: return 2
        case .uint32, .int32, .int, .unsignedInt: return 4
        default: return 8
        }
    }
    func alignment(of scalar: ScalarType) -> Int { size(of: scalar) }
}

@Suite struct CodecTests {
    let runstate = StructDescription.vcpu_runstate_info.layout(NaturalModel())

    @Test func decodeReadsLittleEndianAndSignExtends() throws {
        var bytes = [UInt8](repeating: 0, count: runstate.size)
        bytes[0...3] = [0xfe, 0xff, 0xff, 0xff]  // state = -2
        bytes[8] = 0x34; bytes[9] = 0x12          // state_entry_time = 0x1234
        bytes[16 + 8 * 3] = 9                      // time[3] = 9
        let value = try runstate.decode(bytes)
        #expect(value["state"] == UInt64(bitPattern: -2))
        #expect(value["state_entry_time"] == 0x1234)
        #expect(value.fields["time"] == [0, 0, 0, 9])
    }

    @Test func encodeDecodeRoundTrip() throws {
        var value = StructValue()
        value["state"] = UInt64(bitPattern: -7)
        value["state_entry_time"] = .max
        value.fields["time"] = [1, 2, 3, 4]
        let bytes = try runstate.encode(value)
        #expect(bytes.count == 48)
        #expect(try runstate.decode(bytes) == value)
    }

    @Test func shortBufferIsBadInputNotACrash() throws {
        for length in [0, 1, 47] {
            #expect(throws: ABIError.shortBuffer(structure: "vcpu_runstate_info", needed: 48, got: length)) {
                try runstate.decode([UInt8](repeating: 0, count: length))
            }
        }
        #expect(throws: ABIError.shortBuffer(structure: "vcpu_runstate_info", needed: 58, got: 50)) {
            try runstate.decode([UInt8](repeating: 0, count: 50), at: 10)
        }
        #expect(ABIError.shortBuffer(structure: "x", needed: 1, got: 0).kind == .badInput)
        #expect(throws: ABIError.self) { try runstate.decode([0], at: Int.max) }
        #expect(throws: ABIError.self) { try runstate.decode([0], at: -1) }
        var small = [UInt8](repeating: 0, count: 10)
        #expect(throws: ABIError.self) { try runstate.encode(StructValue(), into: &small, at: 0) }
    }

    @Test func valuesThatDoNotFitAreRejected() throws {
        var value = StructValue()
        value["state"] = 0x1_0000_0000  // int is 4 bytes
        #expect(throws: ABIError.valueOutOfRange(structure: "vcpu_runstate_info", field: "state",
                                                 value: 0x1_0000_0000, bytes: 4)) {
            try runstate.encode(value)
        }
        value = StructValue(["time": [1, 2, 3, 4, 5]])
        #expect(throws: ABIError.tooManyElements(structure: "vcpu_runstate_info", field: "time", count: 5,
                                                 capacity: 4)) {
            try runstate.encode(value)
        }
        value = StructValue(["nope": [1]])
        #expect(throws: ABIError.unknownField(structure: "vcpu_runstate_info", field: "nope")) {
            try runstate.encode(value)
        }
    }

    @Test func nestedAndUnionMembersFlattenToDottedPaths() {
        let layout = StructDescription.mmuext_op.layout(NaturalModel())
        #expect(layout.fields.map(\.path) == ["cmd", "arg1.mfn", "arg1.linear_addr", "arg2.nr_ents",
                                              "arg2.vcpumask", "arg2.src_mfn"])
        #expect(layout.field("arg2.nr_ents")?.offset == 16)
        let context = StructDescription.vcpu_guest_context.layout(NaturalModel())
        #expect(context.field("trap_ctxt[255].address") != nil)
        #expect(context.field("user_regs.rax")?.offset == context.field("user_regs.eax")?.offset)
    }

    @Test func unionEncodingKeepsTheLastWrittenMember() throws {
        let layout = StructDescription.mmuext_op.layout(NaturalModel())
        let bytes = try layout.encode(StructValue(["arg1.linear_addr": [0xabc]]))
        #expect(try layout.decode(bytes)["arg1.mfn"] == 0xabc)
    }
}

@Suite struct CatalogTests {
    @Test func namesAreUniqueAndFindable() {
        let names = Catalog.structures.map(\.name)
        #expect(Set(names).count == names.count)
        for name in names { #expect(Catalog.structure(name)?.name == name) }
        #expect(Catalog.structure("struct mmu_update")?.name == "mmu_update")
        #expect(Catalog.structure("mmu_updat") == nil)
    }

    /// Each hypercall's number against Xen's real public/xen.h (libxen-dev, read by gcc's
    /// preprocessor), not against the table the number is looked up in.
    @Test func everyHypercallHasItsHeaderNumber() throws {
        let header = try HeaderMacros.integers(including: "xen/xen.h", prefix: "__HYPERVISOR_")
        #expect(header.count > 40, "gcc -dM found \(header.count) __HYPERVISOR_ numbers")
        for hypercall in HypercallSignature.all {
            let number = try #require(header["__HYPERVISOR_" + hypercall.name], "no __HYPERVISOR_\(hypercall.name) in xen.h")
            #expect(UInt64(hypercall.number) == number, "\(hypercall.name)")
        }
        #expect(Set(HypercallSignature.all.map(\.number)).count == HypercallSignature.all.count)
        // The lookups by plain name, by the header's name and by number find the header's numbers.
        #expect(HypercallSignature.named("update_va_mapping").map { UInt64($0.number) } == header["__HYPERVISOR_update_va_mapping"])
        #expect(HypercallSignature.named("__HYPERVISOR_xen_version").map { UInt64($0.number) } == header["__HYPERVISOR_xen_version"])
        let xenVersion = try #require(header["__HYPERVISOR_xen_version"])
        #expect(HypercallSignature.named(String(xenVersion))?.name == "xen_version")
    }

    @Test func typedConstantsAreTheTablesNumbers() {
        #expect(HypercallNumber.memory_op.rawValue == XenConstantGroup.hypercalls.value("memory_op"))
        #expect(HypercallNumber.memory_op.description == "memory_op")
        #expect(HypercallNumber(rawValue: 63).description == "hypercall 63")
        #expect(HypercallSignature.of(.memory_op)?.name == "memory_op")
        #expect(HypercallSignature.of(.set_timer_op)?.arguments(.x86_32).map(\.kind) == [.wide])
        #expect(HypercallSignature.of(HypercallNumber(rawValue: 63)) == nil)
        #expect(XENVER.build_id == XenConstantGroup.subOps(of: "xen_version")?.value("build_id"))
        #expect(XenVersionOp.allCases.allSatisfy { XenVersionOp(number: $0.number) == $0 })
        #expect(MemoryOp.allCases.allSatisfy { MemoryOp(number: $0.number) == $0 })
    }

    @Test func subOpsAreGroupedByHypercall() {
        #expect(XenConstantGroup.subOps(of: "xen_version")?.value("XENVER_version") == 0)
        #expect(XenConstantGroup.subOps(of: "memory_op")?.value("memory_map") == 9)
        #expect(XenConstantGroup.subOps(of: "sched_op")?.value("SCHEDOP_yield") == 0)
    }

    @Test func resultsDecodeNegativeErrnos() {
        #expect(HypercallResult(rc: -22).errno == .EINVAL)
        #expect(HypercallResult(rc: -38).errno == .ENOSYS && HypercallResult(rc: -38).value == nil)
        #expect(HypercallResult(rc: 0x40011).value == 0x40011 && HypercallResult(rc: 0x40011).errno == nil)
        #expect(HypercallResult(rc: -XenErrno.maxErrno).errno == XenErrno(rawValue: 4095))
        #expect(HypercallResult(rc: -XenErrno.maxErrno - 1).value == -4096)
        #expect(HypercallResult(rc: -38).description == "-ENOSYS" && HypercallResult(rc: 7).description == "7")
        #expect(XenErrno.ERANGE.name == "ERANGE" && XenErrno.EAGAIN.name == "EAGAIN")
    }
}
