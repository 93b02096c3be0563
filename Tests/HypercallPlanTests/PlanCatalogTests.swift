import Testing
import XenInterface
@testable import HypercallPlan

@Suite struct PlanCatalogTests {
    private func entry(_ architecture: Architecture, _ name: String) throws -> PlanEntry {
        try #require(PlanCatalog.entries(architecture).first { $0.name == name })
    }

    @Test(arguments: Architecture.allCases)
    func everyNameResolvesToARealNumber(architecture: Architecture) {
        for entry in PlanCatalog.entries(architecture) {
            if entry.name != "invalid.hypercall" && entry.op & HypercallPlan.localOp == 0 {
                #expect(XenConstantGroup.hypercalls.constants.contains { $0.value == entry.op }, "\(entry.name)")
            }
            for argument in entry.arguments {
                if case .value(let v) = argument { #expect(v != UInt64(UInt32.max), "\(entry.name)") }
            }
        }
    }

    @Test func theInvalidCallsAreNotInXensTables() {
        #expect(!XenConstantGroup.hypercalls.constants.contains { $0.value == PlanConstants.invalidHypercall.rawValue })
        let xenver = XenConstantGroup.subOps(of: "xen_version")
        #expect(xenver != nil)
        #expect(!(xenver?.constants.contains { UInt64($0.value) == PlanConstants.invalidXenVersionSubOp } ?? true))
    }

    @Test func setTimerOpsZeroTakesTwoRegistersOnlyInABI32() throws {
        #expect(try entry(.x86_32, "set_timer_op.cancel").arguments == [.value(0), .value(0)])
        #expect(try entry(.x86_64, "set_timer_op.cancel").arguments == [.value(0)])
    }

    @Test func runstateBufferFollowsEachABIsLayout() throws {
        let sizes = try Architecture.allCases.map { try entry($0, "vcpu_op.get_runstate_info").buffers[0].buffer.size }
        #expect(sizes == [44 + PlanConstants.slack, 48 + PlanConstants.slack])
        // VCPUOP_get_runstate_info(vcpu 0, &runstate): the pointer is the third register.
        #expect(try entry(.x86_32, "vcpu_op.get_runstate_info").arguments[2] == .pointer(buffer: 0))
    }

    @Test(arguments: [(Architecture.x86_32, 4, 8), (.x86_64, 8, 16)])
    func memoryMapHandleIsRelocatedAtTheABIsOffset(architecture: Architecture, offset: Int, size: Int) throws {
        let plan = try PlanCatalog.plan(architecture, names: ["memory_op.memory_map"])
        #expect(plan.relocations == [PlanRelocation(buffer: 0, offset: offset, target: 1, width: offset)])
        #expect(plan.buffers[0].input.count == size)
        #expect(plan.buffers[0].input.prefix(4) == [UInt8(PlanConstants.memoryMapCapacity), 0, 0, 0])
        #expect(plan.buffers[1].size >= PlanConstants.memoryMapCapacity * PlanConstants.e820EntrySize)
    }

    @Test func platformParametersIsOneUnsignedLong() throws {
        #expect(try entry(.x86_32, "xen_version.platform_parameters").buffers[0].buffer.size == 4 + PlanConstants.slack)
        #expect(try entry(.x86_64, "xen_version.platform_parameters").buffers[0].buffer.size == 8 + PlanConstants.slack)
    }

    @Test func namesChooseCallsAndUnknownNamesAreRefused() throws {
        let plan = try PlanCatalog.plan(.x86_64, names: ["sched_op.yield", "xen_version.version"])
        #expect(plan.calls.map(\.label) == ["xen_version.version", "sched_op.yield"])
        #expect(throws: PlanError.unknownCall("bogus")) { try PlanCatalog.plan(.x86_64, names: ["bogus"]) }
    }

    @Test(arguments: Architecture.allCases)
    func wholePlansEncodeAndDecode(architecture: Architecture) throws {
        let plan = try PlanCatalog.plan(architecture)
        #expect(plan.calls.count == PlanCatalog.names.count)
        let bytes = try plan.encoded()
        #expect(try HypercallPlan(decoding: bytes).encoded() == bytes)
    }
}
