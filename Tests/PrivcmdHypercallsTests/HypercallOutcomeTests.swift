import Testing
import HypercallPage
import HypercallPageInstall
@testable import PrivcmdHypercalls
import Rendering
import XenInterface
import XenSystem
import XenSystemTesting

/// The JSON and text of results, key by key as docs/hypercalls.md documents them.
struct HypercallOutcomeTests {
    func outcome(_ op: XenVersionOp, rc: Int64 = 0, _ value: XenVersionValue?) -> HypercallOutcome {
        HypercallOutcome(XenVersionAnswer(op: op, result: HypercallResult(rc: rc), value: value))
    }

    @Test func versionObject() {
        let o = outcome(.version, rc: 0x40011, .version(major: 4, minor: 17))
        #expect(o.json == .object([("hypercall", .string("xen_version")), ("subop", .string("version")),
                                   ("rc", .int(0x40011)),
                                   ("value", .object([("major", .uint(4)), ("minor", .uint(17))])),
                                   ("verdict", .string("answered"))]))
        #expect(o.line == "xen_version version: 4.17")
        #expect(!o.failed)
    }

    @Test func valuesBySubop() {
        #expect(outcome(.extraversion, .text(".7")).value == .string(".7"))
        #expect(outcome(.compile_info, .compileInfo(compiler: "gcc", compileBy: "me", compileDomain: "d", compileDate: "today")).value
                == .object([("compiler", .string("gcc")), ("compileBy", .string("me")),
                            ("compileDomain", .string("d")), ("compileDate", .string("today"))]))
        let pp = outcome(.platform_parameters, .platformParameters(virtStart: 0xffff_8000_0000_0000))
        #expect(pp.value == .object([("virtStart", .uint(0xffff_8000_0000_0000))]))
        #expect(pp.line == "xen_version platform_parameters: virt_start 0xffff800000000000")
        let f = outcome(.get_features, .features([0x12b05]))
        #expect(f.value == .array([.uint(0x12b05)]))
        #expect(f.line == "xen_version get_features: submap 0 0x00012b05: writable_page_tables auto_translated_physmap "
                + "hvm_callback_vector hvm_safe_pvclock dom0 memory_op_vnode_supported not_direct_mapped")
        #expect(outcome(.pagesize, rc: 4096, .pageSize(4096)).value == .uint(4096))
        #expect(outcome(.guest_handle, .handle(Array(0..<16))).value == .string("00010203-0405-0607-0809-0a0b0c0d0e0f"))
        #expect(outcome(.build_id, rc: 3, .buildID([0x15, 0x0b, 0xff])).value == .string("150bff"))
    }

    @Test func failureHasNullValueAndErrnoName() {
        let o = outcome(.build_id, rc: -61, nil)
        #expect(o.failed)
        #expect(o.json == .object([("hypercall", .string("xen_version")), ("subop", .string("build_id")),
                                   ("rc", .int(-61)), ("value", .null), ("errno", .string("ENODATA")),
                                   ("verdict", .string("failed")), ("reason", .string("-ENODATA (No data available)"))]))
        #expect(o.line == "xen_version build_id: -ENODATA (No data available)")
    }

    @Test func otherQueriesCarryTheirReturnValue() {
        let o = HypercallOutcome(.current_reservation, HypercallResult(rc: 196608))
        #expect(o.json == .object([("hypercall", .string("memory_op")), ("subop", .string("current_reservation")),
                                   ("rc", .int(196608)), ("value", .int(196608)), ("verdict", .string("answered"))]))
        #expect(HypercallOutcome(.yield, HypercallResult(rc: 0)).line == "sched_op yield: 0")
        #expect(HypercallOutcome(.maximum_ram_page, HypercallResult(rc: -1)).failed)
    }

    /// Xen's default policy for an unprivileged domain, as measured in the real-Xen domUs: the
    /// build id -EPERM, the command line "<denied>". Refused, not failed; anything else fails.
    @Test func verdictsSeparateXensPolicyFromFailures() {
        let buildID = outcome(.build_id, rc: -1, nil)
        guard case .refusedByPolicy(let why) = buildID.verdict else { Issue.record("\(buildID.verdict)"); return }
        #expect(why.contains("xsm/dummy.h") && why.contains("-EPERM"))
        #expect(buildID.line == "xen_version build_id: -EPERM (Operation not permitted) [refused by Xen's policy for this domain]")
        let denied = outcome(.commandline, .text("<denied>"))
        guard case .refusedByPolicy = denied.verdict else { Issue.record("\(denied.verdict)"); return }
        #expect(!denied.failed && denied.json.compact.contains("refusedByPolicy"))
        #expect(outcome(.commandline, .text("placeholder dom0_mem=1G")).verdict == .answered)
        // The same errno from another sub-op is a failure; so is a build id refused otherwise.
        #expect(outcome(.extraversion, rc: -1, nil).verdict.isFailure)
        #expect(outcome(.build_id, rc: -61, nil).verdict.isFailure)
        // An answer that does not decode fails, and says so.
        let undecoded = outcome(.platform_parameters, rc: 0, nil)
        #expect(undecoded.verdict == .failed(reason: "the answer does not decode"))
        #expect(undecoded.line.hasSuffix("[failed: the answer does not decode]"))
        #expect(HypercallOutcome(.yield, HypercallResult(rc: -38)).verdict.isFailure)
        #expect(HypercallOutcome(.yield, HypercallResult(rc: 0)).verdict == .answered)
    }

    /// XENFEAT bits by release (public/features.h): 18..20 are named by 4.20's headers only.
    @Test func featureBitsAreNamedByRelease() {
        // Xen 4.20's PVH dom0 submap (xen/common/kernel.c of 4.20 sets 18, 19 and 20 on x86).
        let submap: UInt32 = 0x0001_2b05 | 1 << 18 | 1 << 19 | 1 << 20
        let answer = XenVersionAnswer(op: .get_features, result: HypercallResult(rc: 0), value: .features([submap]))
        let on420 = HypercallOutcome(answer, running: .xen4_20)
        #expect(on420.line.hasSuffix("not_direct_mapped runstate_phys_area (4.20) vcpu_time_phys_area (4.20) dm_msix_all_writes (4.20)"))
        #expect(on420.features.last == XenFeatureBit(number: 20, name: "dm_msix_all_writes", since: .xen4_20))
        guard case .object(let members) = on420.json, let listed = members.first(where: { $0.0 == "features" })?.1,
              case .array(let bits) = listed
        else { Issue.record("no features key"); return }
        #expect(bits.contains(.object([("bit", .uint(18)), ("name", .string("runstate_phys_area")), ("since", .string("4.20"))])))
        #expect(bits.contains(.object([("bit", .uint(11)), ("name", .string("dom0"))])))
        // The same bits from a Xen 4.17, whose headers do not name them: unknown, by number.
        let on417 = HypercallOutcome(answer, running: .xen4_17)
        #expect(on417.line.hasSuffix("not_direct_mapped bit 18 (unknown) bit 19 (unknown) bit 20 (unknown)"))
        #expect(HypercallOutcome.json(on417.features[7]) == .object([("bit", .uint(18)), ("name", .null)]))
        // A bit no release names.
        #expect(XenFeatureBit.set(in: [1 << 31], release: .xen4_20) == [XenFeatureBit(number: 31, name: nil, since: nil)])
    }
}
