import HypercallPlan
import Testing

/// Found by Fuzz/Targets/hypercall-plan.swift (seed regression-index-past-int-max): an index= past
/// Int.max trapped converting UInt64 to Int instead of being refused as malformed.
@Suite struct GuestResultsIndexTests {
    @Test(arguments: [
        "guest abi=64 status=ok\ncall index=0xffffffffffffffff op=1 label=a regs=1 signed=0\n",
        "guest abi=64 status=ok\ncall index=0 op=1 label=a regs=1 signed=0\nbuffer call=0 index=9223372036854775808 size=1 hex=00\n",
    ])
    func anIndexPastIntMaxIsMalformed(text: String) {
        #expect(throws: PlanError.self) { try GuestResults(parsing: text) }
        do { _ = try GuestResults(parsing: text) } catch {
            #expect(error.description.hasSuffix("index= out of range"))
        }
    }
}
